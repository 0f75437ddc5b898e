/**
 * CenterNet and NanoDet together: both detectors' boxes on one frame grouped by class and overlap, and each group
 * scored by a logistic model on what the two detectors said about it (each one's best raw score, how many boxes
 * agreed, the box's share of the frame), fitted on the development images. The score is then already a
 * probability that the group is a right detection, so it is compared with `rules.objectConfidence` directly.
 *
 * Why a logistic model rather than Platt on the best score: a person that both detectors find at raw 0.4 is far
 * more often right than one that one detector finds at 0.5; one score cannot say that, the pair can. Why per class
 * only with MIN_POSITIVES right groups: as for Platt (score-calibration.ts), the classes that matter most have a
 * handful of right detections in the development images; those share one fit over every class.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { RgbFrame } from '../media/frames';
import { projectRoot } from '../paths';
import { iou, type Box } from './boxes';
import { matchDetections } from './detection-metrics';
import { detectObjectsNanodet } from './nanodet';
import { COCO_LABELS, detectObjects, type DetectedObject } from './objects';
import { MIN_POSITIVES, readCommittedJson } from './score-calibration';
import type { Model } from './sessions';

/** Boxes of one class overlapping by more than this are one object seen by both detectors. */
const SAME_OBJECT_IOU = 0.5;
/** A lower-scored group overlapping a kept one of its class by more than this is a duplicate and dropped. */
const DUPLICATE_IOU = 0.3;
/** Stands for "this detector did not see it" (its floor is 0.2, so below anything it reports). */
const UNSEEN = 0.05;

export const FUSION_FEATURES = ['logit centernet', 'logit nanodet', 'log boxes agreeing', 'log area share'] as const;
/**
 * With MoveNet MultiPose's people as a third detector (measured by `vigil eval vision`, fitted there on the
 * development images; not live: on the held-out images it did not raise person recall at 0.70, vision README).
 */
export const FUSION_FEATURES_MOVENET = [...FUSION_FEATURES, 'logit movenet'] as const;

export interface FusedCandidate {
  label: DetectedObject['label'];
  classId: number;
  box: Box;
  /** The best raw score of any box in the group. */
  rawScore: number;
  features: number[];
}

const logit = (p: number) => {
  const q = Math.min(0.999, Math.max(0.001, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The detectors' objects (raw scores, frame pixels) grouped into candidates, best raw score first. With `movenet`
 * (its people), each candidate has a fifth feature (FUSION_FEATURES_MOVENET).
 */
export function fuseCandidates(centernet: readonly DetectedObject[], nanodet: readonly DetectedObject[], width: number, height: number, movenet?: readonly DetectedObject[]): FusedCandidate[] {
  const all = [...centernet.map((o) => ({ o, model: 0 })), ...nanodet.map((o) => ({ o, model: 1 })), ...(movenet ?? []).map((o) => ({ o, model: 2 }))]
    .map((x) => ({ ...x, raw: x.o.rawScore ?? x.o.score }))
    .sort((a, b) => b.raw - a.raw);
  const groups: { head: DetectedObject; raw: number; best: [number, number, number]; members: number }[] = [];
  for (const x of all) {
    const same = groups.find((g) => g.head.classId === x.o.classId && iou(g.head.box, x.o.box) > SAME_OBJECT_IOU);
    if (same) {
      same.best[x.model] = Math.max(same.best[x.model]!, x.raw);
      same.members++;
      continue;
    }
    if (groups.some((g) => g.head.classId === x.o.classId && iou(g.head.box, x.o.box) > DUPLICATE_IOU)) continue;
    const best: [number, number, number] = [UNSEEN, UNSEEN, UNSEEN];
    best[x.model] = x.raw;
    groups.push({ head: x.o, raw: x.raw, best, members: 1 });
  }
  return groups.map((g) => ({
    label: g.head.label,
    classId: g.head.classId,
    box: g.head.box,
    rawScore: g.raw,
    features: [logit(g.best[0]), logit(g.best[1]), Math.log(g.members), Math.log((g.head.box.w * g.head.box.h) / (width * height) + 1e-4), ...(movenet ? [logit(g.best[2])] : [])],
  }));
}

const Weights = z.object({ w: z.array(z.number()), detections: z.number().int(), correct: z.number().int() });
export type FusionWeights = z.infer<typeof Weights>;
export const ObjectFusion = z.object({
  method: z.literal('logistic'),
  features: z.array(z.string()),
  fittedOn: z.string(),
  classes: z.record(z.string(), Weights),
  fallback: Weights,
});
export type ObjectFusion = z.infer<typeof ObjectFusion>;

/**
 * L2-regularised logistic regression (intercept not penalised) by Newton's method: the features are on different
 * scales (logits to about +-7, log area to -9), on which plain gradient descent crawls. Deterministic.
 */
export function fitLogistic(x: readonly number[][], y: readonly boolean[], l2 = 1, iterations = 50): FusionWeights {
  const d = (x[0]?.length ?? FUSION_FEATURES.length) + 1;
  const rows = x.map((r) => [1, ...r]);
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const g = w.map((v, j) => (j > 0 ? l2 * v : 0));
    const h = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? (i > 0 ? l2 : 1e-6) : 0)));
    rows.forEach((r, n) => {
      const p = sigmoid(r.reduce((a, v, j) => a + v * w[j]!, 0));
      const e = p - (y[n] ? 1 : 0);
      const s = p * (1 - p);
      for (let i = 0; i < d; i++) {
        g[i]! += e * r[i]!;
        for (let j = 0; j < d; j++) h[i]![j]! += s * r[i]! * r[j]!;
      }
    });
    const step = solve(h, g);
    w = w.map((v, j) => v - step[j]!);
    if (step.reduce((a, v) => a + Math.abs(v), 0) < 1e-9) break;
  }
  return { w, detections: x.length, correct: y.filter(Boolean).length };
}

/** a * x = b by Gaussian elimination with partial pivoting (a is small, symmetric positive definite here). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) out[r] = (m[r]![n]! - m[r]!.slice(r + 1, n).reduce((acc, v, k) => acc + v * out[r + 1 + k]!, 0)) / m[r]![r]!;
  return out;
}

export interface FusionExample {
  candidates: FusedCandidate[];
  truth: { classId: number; box: Box }[];
}

/** Each candidate marked right or wrong against its image's truth (IoU 0.5, best raw score first, as the metrics do). */
export function labelCandidates(example: FusionExample): { candidate: FusedCandidate; correct: boolean }[] {
  const out: { candidate: FusedCandidate; correct: boolean }[] = [];
  for (const classId of new Set(example.candidates.map((c) => c.classId))) {
    const mine = example.candidates.filter((c) => c.classId === classId).sort((a, b) => b.rawScore - a.rawScore);
    const marks = matchDetections(mine.map((c, i) => ({ score: mine.length - i, box: c.box })), example.truth.filter((t) => t.classId === classId).map((t) => t.box));
    mine.forEach((candidate, i) => out.push({ candidate, correct: marks[i]!.correct }));
  }
  return out;
}

/** Fits each class with MIN_POSITIVES right candidates, and the fallback on every class's candidates. */
export function fitObjectFusion(examples: readonly FusionExample[], fittedOn: string, features: readonly string[] = FUSION_FEATURES): ObjectFusion {
  const labelled = examples.flatMap(labelCandidates);
  const fit = (rows: typeof labelled) => fitLogistic(rows.map((r) => r.candidate.features), rows.map((r) => r.correct));
  const classes: Record<string, FusionWeights> = {};
  for (const label of COCO_LABELS) {
    const rows = labelled.filter((r) => r.candidate.label === label);
    if (rows.filter((r) => r.correct).length >= MIN_POSITIVES) classes[label] = fit(rows);
  }
  return { method: 'logistic', features: [...features], fittedOn, classes, fallback: fit(labelled) };
}

/** Candidates as objects whose score is the fitted probability of being right, best first. */
export function scoreFused(fusion: ObjectFusion, candidates: readonly FusedCandidate[]): DetectedObject[] {
  return candidates
    .map((c) => {
      const { w } = fusion.classes[c.label] ?? fusion.fallback;
      const score = sigmoid(w[0]! + c.features.reduce((a, v, j) => a + v * w[j + 1]!, 0));
      return { label: c.label, classId: c.classId, box: c.box, rawScore: c.rawScore, score };
    })
    .sort((a, b) => b.score - a.score);
}

/**
 * Both detectors on the frame, fused and scored. Both inputs are cut from the frame before anything is awaited (each
 * detect call cuts its own before its first await): the pipeline frees the frame once its face path is done.
 */
export async function detectObjectsFused(centernet: Model, nanodet: Model, fusion: ObjectFusion, frame: RgbFrame): Promise<DetectedObject[]> {
  const [a, b] = await Promise.all([detectObjects(centernet, frame), detectObjectsNanodet(nanodet, frame)]);
  return scoreFused(fusion, fuseCandidates(a, b, frame.width, frame.height));
}

/** Committed beside the detectors' calibrations: fitted on data a fresh clone does not have. */
export function fusionPath(root = projectRoot()): string {
  return join(root, 'models', 'calibration', 'fusion.json');
}

/** The committed fusion, or null when none was fitted; a corrupt file, or one fitted on other features, is an error naming it. */
export function readObjectFusion(path = fusionPath()): ObjectFusion | null {
  const fusion = readCommittedJson(path, ObjectFusion, 'object fusion');
  if (fusion && fusion.features.join() !== FUSION_FEATURES.join()) throw new Error(`${path}: fitted on features ${fusion.features.join(', ')}, this code computes ${FUSION_FEATURES.join(', ')} (refit: vigil calibrate objects --model fused)`);
  return fusion;
}
