/**
 * Presentation-attack figures (ISO/IEC 30107-3): a face is called live when its live score >= the threshold.
 * APCER = attacks called live / attacks, BPCER = live faces called attacks / live faces, ACER = their mean.
 * Accuracy, precision, recall and F1 take the attack as the positive class (what the detector is for);
 * ROC AUC is the chance that a live face outscores an attack.
 */
import { confusionFigures, rocAuc, type ThresholdFigures } from '../temporal/metrics';

export interface PadFigures extends ThresholdFigures {
  readonly n: number;
  readonly live: number;
  readonly attacks: number;
  readonly apcer: number | null;
  readonly bpcer: number | null;
  readonly acer: number | null;
  readonly confusion: { attackCalledAttack: number; attackCalledLive: number; liveCalledLive: number; liveCalledAttack: number };
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** `live`: 1 for a live face, 0 for an attack. */
export function padFigures(scores: readonly number[], live: readonly number[], threshold: number): PadFigures {
  let aa = 0, al = 0, ll = 0, la = 0;
  scores.forEach((s, i) => {
    const calledLive = s >= threshold;
    if (live[i] === 1) {
      if (calledLive) ll++;
      else la++;
    } else if (calledLive) al++;
    else aa++;
  });
  const attacks = aa + al;
  const lives = ll + la;
  // The attack is the positive class: an attack called an attack is a true positive.
  const { accuracy, precision, recall, f1 } = confusionFigures({ tp: aa, fn: al, tn: ll, fp: la });
  const apcer = attacks > 0 ? al / attacks : null;
  const bpcer = lives > 0 ? la / lives : null;
  const auc = rocAuc(scores, live);
  return {
    n: scores.length,
    live: lives,
    attacks,
    threshold: r4(threshold),
    accuracy: r4(accuracy),
    precision: r4(precision),
    recall: r4(recall),
    f1: r4(f1),
    auc: auc === null ? null : r4(auc),
    apcer: apcer === null ? null : r4(apcer),
    bpcer: bpcer === null ? null : r4(bpcer),
    acer: apcer === null || bpcer === null ? null : r4((apcer + bpcer) / 2),
    confusion: { attackCalledAttack: aa, attackCalledLive: al, liveCalledLive: ll, liveCalledAttack: la },
  };
}

/**
 * The threshold with the lowest ACER on these (validation) scores, in the middle of the best gap between two
 * neighbouring scores; 0.5 when one class is missing.
 */
export function chooseThreshold(scores: readonly number[], live: readonly number[]): number {
  if (!live.includes(1) || !live.includes(0)) return 0.5;
  const sorted = [...new Set(scores)].sort((a, b) => a - b);
  const candidates = [sorted[0]! - 1e-6, ...sorted.slice(1).map((s, i) => (s + sorted[i]!) / 2), sorted.at(-1)! + 1e-6];
  let best = { acer: Number.POSITIVE_INFINITY, threshold: 0.5, distance: Number.POSITIVE_INFINITY };
  for (const t of candidates) {
    const f = padFigures(scores, live, t);
    const distance = Math.abs(t - 0.5);
    if (f.acer! < best.acer - 1e-12 || (Math.abs(f.acer! - best.acer) <= 1e-12 && distance < best.distance)) best = { acer: f.acer!, threshold: t, distance };
  }
  return best.threshold;
}
