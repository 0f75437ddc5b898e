/**
 * How object detections are scored against ground truth: greedy matching at IoU 0.5 (best score first, each truth
 * box used once, as in PASCAL VOC and COCO's AP50), precision and recall at a threshold, average precision (all
 * points), expected calibration error, and the equal error rate of a similarity score. Pure functions, no I/O.
 */
import { iou, type Box } from './boxes';

export interface Scored {
  score: number;
  /** True when the detection matched a truth box of its class. */
  correct: boolean;
}

/** Marks each detection of one class correct or not; returns them best first, with the number of truth boxes. */
export function matchDetections(detections: readonly { score: number; box: Box }[], truth: readonly Box[], minIou = 0.5): Scored[] {
  const used = new Set<number>();
  return [...detections]
    .sort((a, b) => b.score - a.score)
    .map((d) => {
      let best = -1;
      let bestIou = minIou;
      truth.forEach((t, i) => {
        if (used.has(i)) return;
        const v = iou(d.box, t);
        if (v >= bestIou) {
          bestIou = v;
          best = i;
        }
      });
      if (best >= 0) used.add(best);
      return { score: d.score, correct: best >= 0 };
    });
}

export interface PrecisionRecall {
  precision: number | null;
  recall: number | null;
  /** Truth boxes (what recall rests on). */
  n: number;
  /** Detections at or above the threshold (what precision rests on). */
  detections: number;
}

export function precisionRecallAt(scored: readonly Scored[], truthCount: number, threshold: number): PrecisionRecall {
  const kept = scored.filter((s) => s.score >= threshold);
  const hits = kept.filter((s) => s.correct).length;
  return { precision: kept.length ? hits / kept.length : null, recall: truthCount ? hits / truthCount : null, n: truthCount, detections: kept.length };
}

/** Area under the precision-recall curve with precision made monotone (all-point interpolation, VOC 2010+). */
export function averagePrecision(scored: readonly Scored[], truthCount: number): number | null {
  if (truthCount === 0) return null;
  const sorted = [...scored].sort((a, b) => b.score - a.score);
  const precision: number[] = [];
  const isHit: boolean[] = [];
  let hits = 0;
  sorted.forEach((s, i) => {
    if (s.correct) hits++;
    precision.push(hits / (i + 1));
    isHit.push(s.correct);
  });
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let ap = 0;
  isHit.forEach((hit, i) => {
    if (hit) ap += precision[i]! / truthCount;
  });
  return ap;
}

/** Expected calibration error over equal-width confidence bins: sum of |accuracy - mean confidence| weighted by bin size. */
export function expectedCalibrationError(scored: readonly Scored[], bins = 10): number | null {
  if (scored.length === 0) return null;
  const sums = Array.from({ length: bins }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const s of scored) {
    const b = sums[Math.min(bins - 1, Math.floor(s.score * bins))]!;
    b.n++;
    b.conf += s.score;
    b.right += s.correct ? 1 : 0;
  }
  return sums.reduce((e, b) => (b.n ? e + (b.n / scored.length) * Math.abs(b.right / b.n - b.conf / b.n) : e), 0);
}

export interface VerificationCurve {
  /** Equal error rate: where the false accept and false reject rates cross. */
  eer: number;
  /** The similarity at the EER. */
  eerThreshold: number;
  /** True accept rate at the given false accept rate, and the threshold that gives it. */
  tarAt(far: number): { tar: number; threshold: number };
}

/** Genuine and impostor similarities (higher = more alike) to the verification curve (accept when >= threshold). */
export function verificationCurve(genuine: readonly number[], impostor: readonly number[]): VerificationCurve {
  const g = [...genuine].sort((a, b) => a - b);
  const im = [...impostor].sort((a, b) => a - b);
  const thresholds = [...new Set([...g, ...im])].sort((a, b) => a - b);
  // Rates at each candidate threshold by one sweep over both sorted lists.
  const rates: { t: number; far: number; frr: number }[] = [];
  let gi = 0;
  let ii = 0;
  for (const t of thresholds) {
    while (gi < g.length && g[gi]! < t) gi++;
    while (ii < im.length && im[ii]! < t) ii++;
    rates.push({ t, far: (im.length - ii) / im.length, frr: gi / g.length });
  }
  let best = { eer: 1, t: 0, gap: Infinity };
  for (const r of rates) if (Math.abs(r.far - r.frr) < best.gap) best = { eer: (r.far + r.frr) / 2, t: r.t, gap: Math.abs(r.far - r.frr) };
  return {
    eer: best.eer,
    eerThreshold: best.t,
    tarAt(target: number) {
      // The lowest threshold whose false accept rate is within the target.
      const r = rates.find((x) => x.far <= target);
      return r ? { tar: 1 - r.frr, threshold: r.t } : { tar: 0, threshold: Infinity };
    },
  };
}
