/**
 * The liveness data folder (`liveness-seq/` layout: `index.csv` with `sequence,label,subject,frames`, frames
 * `0001.jpg`... per sequence folder) and its evidence: every frame through the vision pipeline (the same code the
 * live app runs, at one frame a second of session clock), in the original and in `variants` augmented copies.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import seedrandom from 'seedrandom';
import { z } from 'zod';
import { MissingDataError } from '../data-sets';
import { engineProcessEnv } from '../memory-env.mjs';
import { readImage, type RgbFrame } from '../media/frames';
import { VisionPipeline } from '../vision/pipeline';
import { RAW, cropToTensor } from '../vision/image-ops';
import { augmentFrame, cameraLook, rgbaToRgb } from './augment';
import { EVIDENCE_DIM } from './evidence';

export type LivenessLabel = 'live' | 'print';

export interface Sequence {
  readonly id: string;
  readonly label: LivenessLabel;
  readonly subject: string;
  readonly frames: readonly string[];
  /**
   * A synthetic print attack (training only): every frame is `frames[0]`, a real live frame, moved rigidly as a
   * photo held up to the camera would be, with fresh sensor noise (stillPrintSequences).
   */
  readonly still?: boolean;
}

/**
 * For each live sequence, a print attack made from its middle frame: the same length, the one image turned,
 * scaled and shifted smoothly from frame to frame, with new noise on each. What a printed photo is to a camera:
 * one picture that moves only as a whole. NUAA's attacks are prints of other photos of the same people; these add
 * the flat-and-rigid case with the live frames' own image quality, so texture alone cannot separate the classes.
 * Same subject as its source, so a split by subject keeps them on the source's side.
 */
export function stillPrintSequences(sequences: readonly Sequence[]): Sequence[] {
  return sequences
    .filter((s) => s.label === 'live')
    .map((s) => ({ id: `still-print/${s.id}`, label: 'print' as const, subject: s.subject, frames: s.frames.map(() => s.frames[s.frames.length >> 1]!), still: true }));
}

/** Frame i of a still print: a smooth rigid motion (turn up to 4 degrees, scale 0.92-1.0, shift up to 4 %) and noise. */
export function rigidlyMoved(base: RgbFrame, i: number, rng: () => number): RgbFrame {
  const { width: w, height: h } = base;
  const phase = (k: number) => Math.sin((2 * Math.PI * i) / (5 + k) + k);
  const zoom = 0.92 + 0.04 * (1 + phase(1)) / 2;
  const crop = { cx: w / 2 + 0.04 * w * phase(2), cy: h / 2 + 0.04 * h * phase(3), w: w * zoom, h: h * zoom, angle: (4 * Math.PI) / 180 * phase(4) };
  const pixels = cropToTensor(base, crop, w, h, RAW);
  const data = new Uint8Array(w * h * 3);
  for (let k = 0; k < data.length; k++) {
    const gauss = Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
    data[k] = Math.max(0, Math.min(255, Math.round(pixels[k]! + 3 * gauss)));
  }
  return { width: w, height: h, data, t: i, index: i };
}

/** Evidence of one sequence: [variant][frame] -> EVIDENCE_DIM values (NaN throughout where no face was found). */
export interface SequenceEvidence {
  readonly sequence: Sequence;
  readonly variants: readonly (readonly Float32Array[])[];
}

export class LivenessDataError extends Error {
  constructor(
    readonly thing: string,
    readonly problem: string,
  ) {
    super(`${thing}: ${problem}`);
  }
}

const IndexRow = z.object({ sequence: z.string().regex(/^[\w./-]+$/).refine((s) => !s.split('/').includes('..'), 'no ".." in a sequence path'), label: z.enum(['live', 'print']), subject: z.string().min(1), frames: z.coerce.number().int().positive() });

/** Reads `dir/index.csv`; every sequence folder must exist with at least one image. */
export function loadSequences(dir: string): Sequence[] {
  const index = join(dir, 'index.csv');
  if (!existsSync(dir)) throw new MissingDataError(`${dir}: missing (a liveness-seq folder with index.csv)`);
  if (!existsSync(index)) throw new LivenessDataError(index, 'no such file (a liveness data folder has index.csv: sequence,label,subject,frames)');
  const lines = readFileSync(index, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (!header || !['sequence', 'label', 'subject', 'frames'].every((h) => header.includes(h))) throw new LivenessDataError(index, `header must name sequence,label,subject,frames (got ${lines[0] ?? 'nothing'})`);
  return lines.slice(1).filter((l) => l.trim()).map((line, i) => {
    const cells = line.split(',');
    const parsed = IndexRow.safeParse(Object.fromEntries(header.map((h, k) => [h, cells[k]?.trim()])));
    if (!parsed.success) throw new LivenessDataError(`${index} line ${i + 2}`, parsed.error.issues[0]!.message);
    const folder = join(dir, parsed.data.sequence);
    const frames = existsSync(folder) ? readdirSync(folder).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => join(folder, f)) : [];
    if (frames.length === 0) throw new LivenessDataError(folder, 'no frames (expected 0001.jpg...)');
    return { id: parsed.data.sequence, label: parsed.data.label, subject: parsed.data.subject, frames };
  });
}

/** A JPEG decoded in process (jpeg-js: 1,500 frames would otherwise be 1,500 ffmpeg runs); other formats by ffmpeg. */
export async function readFrame(path: string, index: number): Promise<RgbFrame> {
  if (/\.jpe?g$/i.test(path)) {
    const img = jpeg.decode(readFileSync(path), { useTArray: true });
    return { width: img.width, height: img.height, data: rgbaToRgb(img.data), t: index, index };
  }
  return { ...(await readImage(path)), t: index, index };
}

export interface EvidenceOptions {
  /** Augmented copies of every frame besides the original (0: evaluation needs only the original). */
  readonly variants: number;
  readonly seed: number;
  /** Processes that extract at once (default EVIDENCE_JOBS): each takes a share of the sequences. */
  readonly jobs?: number;
  readonly onProgress?: (done: number, total: number, detail: string) => void;
}

/** Bump when the evidence changes, so a cached file from older code is not read. */
const EVIDENCE_VERSION = 3;

function cacheFile(sequences: readonly Sequence[], o: EvidenceOptions): string {
  const h = createHash('sha256').update(JSON.stringify({ v: EVIDENCE_VERSION, dim: EVIDENCE_DIM, variants: o.variants, seed: o.seed }));
  for (const s of sequences) for (const f of s.frames) h.update(`${s.id}|${s.label}|${f}|${statSync(f).size}|${statSync(f).mtimeMs}\n`);
  return join(tmpdir(), 'vigil-liveness-cache', `${h.digest('hex').slice(0, 24)}.bin`);
}

/**
 * The evidence of every sequence. Cached in the system's temp folder under a hash of the frame files (path, size,
 * time), the settings and the evidence version: evaluation and training read the same frames again and again.
 */
export async function extractEvidence(sequences: readonly Sequence[], o: EvidenceOptions): Promise<SequenceEvidence[]> {
  const cache = cacheFile(sequences, o);
  const frameCount = sequences.reduce((a, s) => a + s.frames.length, 0);
  const variants = o.variants + 1;
  const cached = readCache(cache, sequences, variants, frameCount);
  if (cached) return cached;
  const jobs = Math.min(o.jobs ?? EVIDENCE_JOBS, sequences.length);
  const out = jobs > 1 ? await extractInShards(sequences, o, jobs, frameCount * variants) : await extractHere(sequences, o, frameCount * variants);
  writeCache(cache, out, frameCount * variants);
  return out;
}

/**
 * One process per core (at most two: this machine's count, and the pipeline's own worker threads are off here).
 * Evidence is the cost of training from scratch (about 50 ms of CPU a frame, 3,900 frames), and it is embarrassingly
 * parallel by sequence.
 */
export const EVIDENCE_JOBS = Math.max(1, Math.min(2, availableParallelism()));

function readCache(cache: string, sequences: readonly Sequence[], variants: number, frameCount: number): SequenceEvidence[] | null {
  if (!existsSync(cache)) return null;
  const all = new Float32Array(readFileSync(cache).buffer.slice(0));
  if (all.length !== frameCount * variants * EVIDENCE_DIM) return null;
  let k = 0;
  return sequences.map((sequence) => ({
    sequence,
    variants: Array.from({ length: variants }, () => sequence.frames.map(() => all.slice(k * EVIDENCE_DIM, ++k * EVIDENCE_DIM))),
  }));
}

function writeCache(cache: string, out: readonly SequenceEvidence[], rows: number): void {
  mkdirSync(join(tmpdir(), 'vigil-liveness-cache'), { recursive: true });
  const flat = new Float32Array(rows * EVIDENCE_DIM);
  let k = 0;
  for (const s of out) for (const r of s.variants) for (const row of r) flat.set(row, k++ * EVIDENCE_DIM);
  writeFileSync(`${cache}.tmp`, Buffer.from(flat.buffer));
  renameSync(`${cache}.tmp`, cache);
}

/** Sequences dealt to `jobs` child processes (evidence-shard.ts), longest first to the least loaded; results in input order. */
async function extractInShards(sequences: readonly Sequence[], o: EvidenceOptions, jobs: number, total: number): Promise<SequenceEvidence[]> {
  const shards: Sequence[][] = Array.from({ length: jobs }, () => []);
  const load = new Array<number>(jobs).fill(0);
  for (const s of [...sequences].sort((a, b) => b.frames.length - a.frames.length)) {
    const j = load.indexOf(Math.min(...load));
    shards[j]!.push(s);
    load[j]! += s.frames.length;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-liveness-shards-'));
  const done = new Array<number>(jobs).fill(0);
  try {
    await Promise.all(shards.map((shard, j) => {
      const jobFile = join(dir, `shard-${j}.json`);
      writeFileSync(jobFile, JSON.stringify({ sequences: shard, variants: o.variants, seed: o.seed }));
      const child = fork(fileURLToPath(new URL('./evidence-shard.ts', import.meta.url)), [jobFile], { execArgv: ['--import', import.meta.resolve('tsx')], env: engineProcessEnv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: { done?: number }) => {
        done[j] = m.done ?? done[j]!;
        o.onProgress?.(done.reduce((a, b) => a + b, 0), total, `${jobs} processes`);
      });
      return new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`liveness evidence: shard ${j + 1} of ${jobs} ${signal ? `killed by ${signal}` : `exited with code ${code}`}`))));
      });
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const byId = new Map<string, SequenceEvidence>();
  for (const shard of shards) for (const e of await extractEvidence(shard, { ...o, jobs: 1, onProgress: undefined })) byId.set(e.sequence.id, e);
  return sequences.map((sequence) => ({ sequence, variants: byId.get(sequence.id)!.variants }));
}

async function extractHere(sequences: readonly Sequence[], o: EvidenceOptions, total: number): Promise<SequenceEvidence[]> {
  const variants = o.variants + 1;
  const vision = await VisionPipeline.open({ objectsEverySec: 0, emotionEverySec: 0, identityEverySec: 0, textEverySec: 0, livenessEverySec: 1, workers: false });
  const out: SequenceEvidence[] = [];
  let done = 0;
  try {
    for (const sequence of sequences) {
      const perVariant: Float32Array[][] = [];
      for (let v = 0; v < variants; v++) {
        const rng = seedrandom(`liveness-augment-${o.seed}-${sequence.id}-${v}`);
        const look = v > 0 ? cameraLook(rng) : null;
        vision.reset();
        const rows: Float32Array[] = [];
        for (let i = 0; i < sequence.frames.length; i++) {
          let frame = sequence.still ? rigidlyMoved(await readFrame(sequence.frames[i]!, i), i, rng) : await readFrame(sequence.frames[i]!, i);
          if (look) frame = look(augmentFrame(frame, rng).frame);
          const result = await vision.process(frame);
          rows.push(result.livenessEvidence ?? new Float32Array(EVIDENCE_DIM).fill(Number.NaN));
          o.onProgress?.(++done, total, sequence.id);
        }
        perVariant.push(rows);
      }
      out.push({ sequence, variants: perVariant });
    }
  } finally {
    await vision.release();
  }
  return out;
}
