/**
 * `vigil eval liveness`: the temporal liveness model on a data folder holding `liveness-seq/` (and optionally
 * `spoof-replay/video/`, `gaze-video/`).
 *
 * Whose model is measured, on which subjects:
 * - when none of the folder's subjects were seen by the shipped default model (neither trained nor validated
 *   on), that model is measured on every sequence, at the threshold stored with it (chosen on its validation
 *   subjects);
 * - otherwise (the development set itself) subject-level cross-validation: fold k holds out every k-th subject
 *   (3 folds by default, `--folds`), two of the remaining subjects validate (early stopping and the threshold),
 *   the rest train; every held-out sequence is scored once by a model that never saw its subject, at its fold's
 *   threshold. The pooled figures come from those out-of-fold answers.
 * Figures per sequence and per window (12 frames, stride 6), for the transformer alone and for the seed's ensemble
 * and cascade, and leak checks (resolution, file size, JPEG tables, frame spacing per class).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { MissingDataError } from '../data-sets';
import { openFrames } from '../media/frames';
import { VisionPipeline } from '../vision/pipeline';
import { writeModelFolder } from './artifacts';
import { extractEvidence, loadSequences, stillPrintSequences, type Sequence, type SequenceEvidence } from './dataset';
import { chooseThreshold, padFigures } from './metrics';
import { DEFAULT_MODEL_DIR, LivenessModel, METADATA_FILE, LivenessMetadata } from './model';
import { scoreSequence, type Combination, type SequenceResult } from './scorer';
import { AUGMENTED_VARIANTS, EVIDENCE_SEED, subjectsOf, trainOnSubjects, validationSubjects } from './training-run';

type Progress = (done: number, total: number, detail: string) => void;
const COMBINATIONS: readonly Combination[] = ['transformer', 'ensemble', 'cascade'];
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** Three folds of three subjects on the nine development subjects: each fold trains on four and validates on two. */
export const DEFAULT_FOLDS = 3;

export interface EvalOptions {
  /** Cross-validation folds over subjects (default DEFAULT_FOLDS; as many as subjects = leave one out). */
  readonly folds?: number;
  readonly modelDir?: string;
  readonly maxEpochs?: number;
}

interface Answer {
  readonly id: string;
  readonly subject: string;
  readonly live: number;
  readonly fold: number;
  readonly threshold: Record<Combination, number>;
  readonly result: Record<Combination, SequenceResult>;
}

/** Resolution, file size, JPEG quantisation tables and frame spacing per class: what must not tell the classes apart. */
function leakReport(dir: string, sequences: readonly Sequence[]) {
  const perClass: Record<string, { frames: number; sizes: Set<string>; bytes: number[]; tables: Map<string, number> }> = {};
  for (const s of sequences) {
    const c = (perClass[s.label] ??= { frames: 0, sizes: new Set(), bytes: [], tables: new Map() });
    for (const f of s.frames.filter((_, i) => i % 4 === 0)) {
      const data = readFileSync(f);
      c.frames++;
      c.bytes.push(statSync(f).size);
      if (/\.jpe?g$/i.test(f)) {
        const img = jpeg.decode(data, { useTArray: true });
        c.sizes.add(`${img.width}x${img.height}`);
        // The DQT segments (marker FF DB) hold the quantisation tables: the encoder's quality setting.
        const tables: Buffer[] = [];
        for (let i = 0; i + 4 < data.length; i++) if (data[i] === 0xff && data[i + 1] === 0xdb) tables.push(data.subarray(i, i + 4 + data.readUInt16BE(i + 2)));
        const key = createHash('sha1').update(Buffer.concat(tables)).digest('hex').slice(0, 8);
        c.tables.set(key, (c.tables.get(key) ?? 0) + 1);
      }
    }
  }
  let spacing: Record<string, number> | null = null;
  const framesCsv = join(dir, 'frames.csv');
  if (existsSync(framesCsv)) {
    const lines = readFileSync(framesCsv, 'utf8').trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    const seqCol = header.indexOf('sequence');
    const numCol = header.findIndex((h) => /^nuaa_frame$|frame_?(number|no)/i.test(h));
    if (seqCol >= 0 && numCol >= 0) {
      const bySeq = new Map<string, number[]>();
      for (const line of lines.slice(1)) {
        const cells = line.split(',');
        bySeq.set(cells[seqCol]!, [...(bySeq.get(cells[seqCol]!) ?? []), Number(cells[numCol])]);
      }
      spacing = {};
      for (const label of ['live', 'print']) {
        const gaps = sequences.filter((s) => s.label === label).flatMap((s) => {
          const n = (bySeq.get(s.id) ?? []).sort((a, b) => a - b);
          return n.slice(1).map((v, i) => v - n[i]!);
        }).sort((a, b) => a - b);
        spacing[label] = gaps[gaps.length >> 1] ?? Number.NaN;
      }
    }
  }
  return {
    sampled: 'every 4th frame',
    classes: Object.fromEntries(Object.entries(perClass).map(([label, c]) => [label, { frames: c.frames, resolutions: [...c.sizes], meanKB: r4(mean(c.bytes) / 1024), jpegTables: Object.fromEntries(c.tables) }])),
    medianFrameSpacing: spacing,
    note: 'the model never sees file sizes or JPEG tables: evidence is cut from the decoded face crop, resampled to 128 px; JPEG quality 30-80 augmentation in training',
  };
}

function figures(answers: readonly Answer[], how: Combination) {
  // Each sequence's decision is at its own fold's threshold: scores shifted so that threshold sits at 0.5.
  const shift = (a: Answer, s: number) => s - a.threshold[how] + 0.5;
  const seqScores = answers.map((a) => shift(a, a.result[how].score));
  const seqLive = answers.map((a) => a.live);
  const sequence = padFigures(seqScores, seqLive, 0.5);
  const windows = answers.flatMap((a) => a.result[how].windowScores.map((w) => ({ s: shift(a, w.score), live: a.live, confidence: w.confidence })));
  const window = padFigures(windows.map((w) => w.s), windows.map((w) => w.live), 0.5);
  const correct = answers.filter((a, i) => (seqScores[i]! >= 0.5 ? 1 : 0) === a.live);
  const wrong = answers.filter((a, i) => (seqScores[i]! >= 0.5 ? 1 : 0) !== a.live);
  const windowCorrect = windows.filter((w) => (w.s >= 0.5 ? 1 : 0) === w.live);
  const windowWrong = windows.filter((w) => (w.s >= 0.5 ? 1 : 0) !== w.live);
  return {
    sequence: { ...sequence, threshold: undefined },
    window: { ...window, threshold: undefined },
    temporalStability: { live: r4(mean(answers.filter((a) => a.live === 1).map((a) => a.result[how].stability))), print: r4(mean(answers.filter((a) => a.live === 0).map((a) => a.result[how].stability))) },
    meanConfidence: {
      sequence: { correct: r4(mean(correct.map((a) => a.result[how].confidence))), wrong: wrong.length ? r4(mean(wrong.map((a) => a.result[how].confidence))) : null, nCorrect: correct.length, nWrong: wrong.length },
      window: { correct: r4(mean(windowCorrect.map((w) => w.confidence))), wrong: windowWrong.length ? r4(mean(windowWrong.map((w) => w.confidence))) : null, nCorrect: windowCorrect.length, nWrong: windowWrong.length },
    },
  };
}

async function scoreAll(model: LivenessModel, items: readonly SequenceEvidence[]): Promise<Record<Combination, SequenceResult>[]> {
  const out: Record<Combination, SequenceResult>[] = [];
  for (const item of items) {
    const entry = {} as Record<Combination, SequenceResult>;
    for (const how of COMBINATIONS) entry[how] = (await scoreSequence(model, item.variants[0]!, undefined, how))!;
    out.push(entry);
  }
  return out;
}

/**
 * The gaze-video clips as a 640x480 webcam would frame them (they are portrait 480x848: scaled up 1.33x and cut, so
 * the face fills the frame and its crop overruns the frame's edges). The face is the same; the score must be too.
 */
function webcamFramed(videos: readonly { path: string; label: string }[], dir: string): { path: string; label: string }[] {
  return videos.map(({ path, label }, i) => {
    const out = join(dir, `${i}.y4m`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', path, '-vf', 'scale=640:480:force_original_aspect_ratio=increase,crop=640:480,fps=4', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', out], { timeout: 120_000 });
    return { path: out, label: `${label}@640x480` };
  });
}

/** Videos sampled at one frame a second (the live app's liveness spacing), scored by the shipped model. */
async function videoScores(videos: readonly { path: string; label: string }[], model: LivenessModel) {
  const out: Record<string, unknown> = {};
  if (videos.length === 0) return out;
  const vision = await VisionPipeline.open({ objectsEverySec: 0, emotionEverySec: 0, identityEverySec: 0, textEverySec: 0, livenessEverySec: 1, workers: false });
  try {
    // The pipeline takes liveness evidence once a second whatever the decoding rate; 4 fps keeps decoding cheap.
    for (const { path, label } of videos) {
      vision.reset();
      const rows: Float32Array[] = [];
      const times: number[] = [];
      for await (const frame of (await openFrames(path, 4)).frames) {
        const e = (await vision.process(frame)).livenessEvidence;
        if (e) {
          rows.push(e);
          times.push(frame.t);
        }
      }
      const r = await scoreSequence(model, rows, times);
      const confidentAttack = r?.windowScores.filter((w) => w.score < model.threshold && w.confidence >= model.metadata.confidentAbove).length ?? 0;
      out[label] = r ? { evidenceFrames: rows.length, windows: r.windows, score: r4(r.score), confidence: r4(r.confidence), stability: r4(r.stability), calledLive: r.score >= model.threshold, confidentAttackWindows: confidentAttack, spoofSuspected: confidentAttack > 0, windowScores: r.windowScores.map((w) => r4(w.score)) } : { evidenceFrames: rows.length, windows: 0, note: 'fewer than 12 frames with a face' };
    }
  } finally {
    await vision.release();
  }
  return out;
}

export async function evaluateLiveness(dataDir: string, options: EvalOptions = {}, onProgress: Progress = () => {}) {
  if (!existsSync(dataDir)) throw new MissingDataError(`${dataDir}: missing (set VIGIL_DATA_DIR to the evaluation data)`);
  const seqDir = join(dataDir, 'liveness-seq');
  const sequences = loadSequences(seqDir);
  const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  const shipped = existsSync(join(modelDir, METADATA_FILE)) ? LivenessMetadata.parse(JSON.parse(readFileSync(join(modelDir, METADATA_FILE), 'utf8'))) : null;
  const subjects = subjectsOf(sequences);
  const seen = shipped ? [...shipped.trainedOn.subjects, ...shipped.trainedOn.validationSubjects] : [];
  const crossValidate = !shipped || subjects.some((s) => seen.includes(s));
  const started = performance.now();
  const evidence = await extractEvidence(sequences, { variants: crossValidate ? AUGMENTED_VARIANTS : 0, seed: EVIDENCE_SEED, onProgress: (d, t, s) => onProgress(d, t, `evidence ${s}`) });
  // Training material only (never scored): the synthetic still prints of the training subjects' live sequences.
  const stills = crossValidate ? await extractEvidence(stillPrintSequences(sequences), { variants: AUGMENTED_VARIANTS, seed: EVIDENCE_SEED, onProgress: (d, t, s) => onProgress(d, t, `evidence ${s}`) }) : [];
  const answers: Answer[] = [];
  const foldInfo: unknown[] = [];
  if (crossValidate) {
    const k = Math.min(options.folds ?? DEFAULT_FOLDS, subjects.length);
    for (let fold = 0; fold < k; fold++) {
      const test = subjects.filter((_, i) => i % k === fold);
      const rest = [...evidence, ...stills].filter((e) => !test.includes(e.sequence.subject));
      const validation = validationSubjects(rest.filter((e) => !e.sequence.still).map((e) => e.sequence), 2, EVIDENCE_SEED + fold);
      onProgress(fold, k, `fold ${fold + 1}/${k}: training without ${test.join(', ')}`);
      const { result, metadata } = await trainOnSubjects(rest, validation, seqDir, { ...(options.maxEpochs ? { maxEpochs: options.maxEpochs } : {}) });
      const dir = mkdtempSync(join(tmpdir(), 'vigil-liveness-fold-'));
      try {
        await writeModelFolder(dir, result, metadata);
        const model = await LivenessModel.load(dir);
        const valItems = rest.filter((e) => validation.includes(e.sequence.subject) && !e.sequence.still);
        const valScores = await scoreAll(model, valItems);
        const threshold = Object.fromEntries(COMBINATIONS.map((how) => [how, chooseThreshold(valScores.map((v) => v[how].score), valItems.map((v) => (v.sequence.label === 'live' ? 1 : 0)))])) as Record<Combination, number>;
        const testItems = evidence.filter((e) => test.includes(e.sequence.subject));
        const scored = await scoreAll(model, testItems);
        testItems.forEach((item, i) => answers.push({ id: item.sequence.id, subject: item.sequence.subject, live: item.sequence.label === 'live' ? 1 : 0, fold, threshold, result: scored[i]! }));
        foldInfo.push({ fold, test, validation, threshold: r4(threshold.transformer), bestEpoch: result.bestEpoch, epochs: result.history.length, trainCpuSeconds: Math.round(result.cpuSeconds) });
        await model.release();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } else {
    const model = await LivenessModel.load(modelDir);
    const scored = await scoreAll(model, evidence);
    evidence.forEach((item, i) => answers.push({ id: item.sequence.id, subject: item.sequence.subject, live: item.sequence.label === 'live' ? 1 : 0, fold: 0, threshold: { transformer: model.threshold, ensemble: model.threshold, cascade: model.threshold }, result: scored[i]! }));
    await model.release();
  }
  const print = figures(answers, 'transformer');
  const thresholds = [...new Set(answers.map((a) => a.threshold.transformer))];

  const videos = [join(dataDir, 'spoof-replay', 'video', 'real.webm'), join(dataDir, 'spoof-replay', 'video', 'replay.webm'), join(dataDir, 'gaze-video', 'center_left_center.mp4'), join(dataDir, 'gaze-video', 'center_focus.mp4')]
    .filter(existsSync)
    .map((path) => ({ path, label: path.split('/').slice(-2).join('/') }));
  const shippedModel = shipped ? await LivenessModel.load(modelDir) : null;
  const cropped = mkdtempSync(join(tmpdir(), 'vigil-liveness-640x480-'));
  let onVideos: Record<string, unknown> = {};
  try {
    onVideos = shippedModel ? await videoScores([...videos, ...webcamFramed(videos.filter((v) => v.label.startsWith('gaze-video/')), cropped)], shippedModel) : {};
  } finally {
    rmSync(cropped, { recursive: true, force: true });
    await shippedModel?.release();
  }

  return {
    data: seqDir,
    mode: crossValidate ? 'subject cross-validation (the shipped model saw some of these subjects)' : 'shipped model on subjects it never saw',
    subjects,
    folds: foldInfo,
    threshold: r4(mean(thresholds)),
    thresholds: thresholds.map(r4),
    print,
    ensemble: figures(answers, 'ensemble'),
    cascade: figures(answers, 'cascade'),
    perSequence: answers.map((a) => ({ id: a.id, fold: a.fold, live: a.live, score: r4(a.result.transformer.score), threshold: r4(a.threshold.transformer), confidence: r4(a.result.transformer.confidence), windows: a.result.transformer.windows })),
    replay: { note: 'spoof-replay/ crops are single images, not sequences: only its two videos (evidence once a second) are scored, by the shipped model', videos: Object.fromEntries(Object.entries(onVideos).filter(([k]) => k.startsWith('video/'))) },
    realVideos: Object.fromEntries(Object.entries(onVideos).filter(([k]) => k.startsWith('gaze-video/'))),
    leaks: leakReport(seqDir, sequences),
    seconds: Math.round((performance.now() - started) / 1000),
    load: loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}
