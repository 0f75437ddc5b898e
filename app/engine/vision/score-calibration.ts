/**
 * Calibrated object confidence: a detector's raw score mapped to the probability that such a detection is right
 * (matches a real object of its class at IoU 0.5), so that `rules.objectConfidence` 0.70 means about 70 %.
 *
 * Platt scaling on the raw score's logit, p = sigmoid(a * logit(s) + b), fitted per class on the development
 * images (`vigil calibrate objects`), for classes with at least MIN_POSITIVES right detections there; the others
 * use one fit over every COCO class's detections. Why Platt rather than isotonic: the classes that matter most
 * (phone, book) have a handful of right detections in the development images, and a monotone step function fitted
 * to four points is noise; two parameters are not. Stored in models/calibration/<model>.json (committed: it is
 * fitted on data a fresh clone does not have) and copied into the model's manifest entry by `npm run models`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../paths';
import type { Scored } from './detection-metrics';

export const MIN_POSITIVES = 10;

const Platt = z.object({ a: z.number(), b: z.number(), detections: z.number().int(), correct: z.number().int() });
export type Platt = z.infer<typeof Platt>;

export const ObjectCalibration = z.object({
  method: z.literal('platt'),
  model: z.string(),
  /** What it was fitted on: the data set, its split file and which part. */
  fittedOn: z.string(),
  /** Raw scores below this were not seen in fitting (the detector's own floor). */
  minRawScore: z.number(),
  classes: z.record(z.string(), Platt),
  fallback: Platt,
});
export type ObjectCalibration = z.infer<typeof ObjectCalibration>;

const clampLogit = (s: number) => {
  const p = Math.min(1 - 1e-6, Math.max(1e-6, s));
  return Math.log(p / (1 - p));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Platt's fit by Newton's method on the log loss, with his smoothed targets ((n+ + 1) / (n+ + 2) and 1 / (n- + 2))
 * so that a class with few examples is not pushed to 0 or 1.
 */
export function fitPlatt(scored: readonly Scored[]): Platt {
  const pos = scored.filter((s) => s.correct).length;
  const neg = scored.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const x = scored.map((s) => clampLogit(s.score));
  const t = scored.map((s) => (s.correct ? hi : lo));
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let [ga, gb, haa, hab, hbb] = [0, 0, 1e-9, 0, 1e-9];
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(a * x[i]! + b);
      const d = p - t[i]!;
      const w = p * (1 - p);
      ga += d * x[i]!;
      gb += d;
      haa += w * x[i]! * x[i]!;
      hab += w * x[i]!;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b, detections: scored.length, correct: pos };
}

export function applyPlatt(p: Pick<Platt, 'a' | 'b'>, raw: number): number {
  return sigmoid(p.a * clampLogit(raw) + p.b);
}

/** Fits each class with enough right detections, and the fallback on all of them. */
export function fitObjectCalibration(byClass: Record<string, Scored[]>, meta: { model: string; fittedOn: string; minRawScore: number }): ObjectCalibration {
  const classes: Record<string, Platt> = {};
  for (const [label, scored] of Object.entries(byClass)) if (scored.filter((s) => s.correct).length >= MIN_POSITIVES) classes[label] = fitPlatt(scored);
  return { method: 'platt', ...meta, classes, fallback: fitPlatt(Object.values(byClass).flat()) };
}

/** The calibrated confidence of a raw score of the given class. */
export function calibrate(calibration: ObjectCalibration, label: string, raw: number): number {
  return applyPlatt(calibration.classes[label] ?? calibration.fallback, raw);
}

/** The lowest raw score whose calibrated confidence reaches `confidence` for the class (for the detector's floor). */
export function rawScoreFor(calibration: ObjectCalibration, label: string, confidence: number): number {
  const p = calibration.classes[label] ?? calibration.fallback;
  const z = (clampLogit(confidence) - p.b) / p.a;
  return sigmoid(z);
}

export function calibrationPath(model: string, root = projectRoot()): string {
  return join(root, 'models', 'calibration', `${model}.json`);
}

/** A committed file of models/calibration parsed with its schema, or null when none was fitted; a corrupt file is an error naming it. */
export function readCommittedJson<T>(path: string, schema: z.ZodType<T>, what: string): T | null {
  if (!existsSync(path)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: not a valid ${what} (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** Writes a file of models/calibration whole or not at all (beside it, then renamed into place), as JSON with a newline. */
export function writeCommittedJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The committed calibration of a model, or null when none was fitted. */
export function readObjectCalibration(model: string, path = calibrationPath(model)): ObjectCalibration | null {
  return readCommittedJson(path, ObjectCalibration, 'object calibration');
}
