/**
 * `vigil train liveness`: evidence of every sequence in a liveness-seq folder (original + one augmented copy of
 * every frame), a split by subject (two subjects validate: early stopping and the threshold), the transformer
 * trained and written as a model folder.
 */
import { loadavg } from 'node:os';
import seedrandom from 'seedrandom';
import type { EpochRecord } from '../temporal/trainer';
import { writeModelFolder } from './artifacts';
import { EVIDENCE_DIM } from './evidence';
import { extractEvidence, loadSequences, stillPrintSequences, type Sequence, type SequenceEvidence } from './dataset';
import type { LivenessMetadata } from './model';
import { LIVENESS_DEFAULTS, trainLiveness, type LivenessTrainConfig, type TrainResult } from './trainer';
import { STRIDE, WINDOW } from './windows';

/** Augmented copies per frame: one, so that extracting evidence stays within the training time budget (README). */
export const AUGMENTED_VARIANTS = 1;
export const EVIDENCE_SEED = 42;
/** Windows whose confidence (|2 score - 1|) is at least this count as evidence for `spoof_suspected`. */
export const CONFIDENT_ABOVE = 0.5;

export const subjectsOf = (items: readonly { subject: string }[]) => [...new Set(items.map((s) => s.subject))].sort();

/**
 * `count` validation subjects, drawn by the seed from those with both live and attack sequences (so a threshold can
 * be chosen on them).
 */
export function validationSubjects(sequences: readonly Sequence[], count: number, seed: number, exclude: readonly string[] = []): string[] {
  const both = subjectsOf(sequences).filter((s) => !exclude.includes(s) && ['live', 'print'].every((l) => sequences.some((q) => q.subject === s && q.label === l)));
  const rng = seedrandom(`liveness-split-${seed}`);
  for (let i = both.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [both[i], both[j]] = [both[j]!, both[i]!];
  }
  return both.slice(0, count).sort();
}

export interface TrainedModel {
  readonly result: TrainResult;
  readonly metadata: LivenessMetadata;
}

export async function trainOnSubjects(evidence: readonly SequenceEvidence[], validation: readonly string[], data: string, config: Partial<LivenessTrainConfig>, onEpoch?: (r: EpochRecord, max: number) => void): Promise<TrainedModel> {
  const wallStart = performance.now();
  // Synthetic still prints train only: the threshold and early stopping see real sequences alone.
  const train = evidence.filter((e) => !validation.includes(e.sequence.subject));
  const val = evidence.filter((e) => validation.includes(e.sequence.subject) && !e.sequence.still);
  const full = { ...LIVENESS_DEFAULTS, ...config };
  const result = await trainLiveness({ train, validation: val, config: full, onEpoch });
  const metadata: LivenessMetadata = {
    kind: 'vigil-liveness',
    version: 1,
    window: WINDOW,
    stride: STRIDE,
    evidenceDim: EVIDENCE_DIM,
    threshold: result.threshold,
    confidentAbove: CONFIDENT_ABOVE,
    trainedOn: { data, subjects: subjectsOf(train.map((t) => t.sequence)), validationSubjects: [...validation], sequences: train.length },
    config: { ...full },
    training: { epochs: result.history.length, bestEpoch: result.bestEpoch, cpuSeconds: Math.round(result.cpuSeconds), wallSeconds: Math.round((performance.now() - wallStart) / 1000), backend: result.backend, load: loadavg().map((l) => l.toFixed(2)).join(' ') },
    validation: result.validation,
    createdAt: new Date().toISOString(),
  };
  return { result, metadata };
}

export interface TrainCommandOptions {
  readonly data: string;
  readonly out: string;
  readonly seed?: number;
  readonly epochs?: number;
  readonly onProgress?: (done: number, total: number, detail: string) => void;
  readonly onEpoch?: (r: EpochRecord, max: number) => void;
}

export async function trainFromFolder(o: TrainCommandOptions) {
  const started = performance.now();
  const sequences = loadSequences(o.data);
  const evidence = await extractEvidence(sequences, { variants: AUGMENTED_VARIANTS, seed: EVIDENCE_SEED, onProgress: o.onProgress });
  evidence.push(...(await extractEvidence(stillPrintSequences(sequences), { variants: AUGMENTED_VARIANTS, seed: EVIDENCE_SEED, onProgress: o.onProgress })));
  const evidenceSeconds = (performance.now() - started) / 1000;
  const seed = o.seed ?? LIVENESS_DEFAULTS.seed;
  const validation = validationSubjects(sequences, 2, seed);
  const { result, metadata } = await trainOnSubjects(evidence, validation, o.data, { seed, ...(o.epochs ? { maxEpochs: o.epochs } : {}) }, o.onEpoch);
  const written = await writeModelFolder(o.out, result, metadata);
  return { metadata: { ...metadata, parity: written.parity }, onnxBytes: written.onnxBytes, evidenceSeconds, totalSeconds: (performance.now() - started) / 1000 };
}
