/** Binary classification figures for window scores: the same for the model and the baseline. */

export interface ConfusionMatrix {
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
}

/** The figures of one threshold, shared by the temporal model's windows and the liveness model's PAD figures. */
export interface ThresholdFigures {
  readonly threshold: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** ROC AUC; null when only one class is present (it is undefined then). */
  readonly auc: number | null;
}

export interface BinaryMetrics extends ThresholdFigures {
  readonly windows: number;
  readonly confusion: ConfusionMatrix;
}

/** Accuracy, precision, recall and F1 of a confusion matrix (positive class = `tp` + `fn`); 0 where undefined. */
export function confusionFigures({ tp, fp, tn, fn }: ConfusionMatrix): Pick<ThresholdFigures, 'accuracy' | 'precision' | 'recall' | 'f1'> {
  const n = tp + fp + tn + fn;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    accuracy: n > 0 ? (tp + tn) / n : 0,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

/** ROC AUC as the Mann-Whitney statistic: the chance a random positive outscores a random negative, ties half. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]!] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = idx.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function binaryMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i]! >= threshold;
    const actual = labels[i] === 1;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
  }
  return {
    windows: scores.length,
    threshold,
    ...confusionFigures({ tn, fp, fn, tp }),
    auc: rocAuc(scores, labels),
    confusion: { tn, fp, fn, tp },
  };
}

/** Mean binary cross-entropy of probabilities, clamped like Keras so a confident mistake stays finite. */
export function binaryCrossEntropy(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  const eps = 1e-7;
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i]!));
    total += labels[i] === 1 ? -Math.log(p) : -Math.log(1 - p);
  }
  return probabilities.length > 0 ? total / probabilities.length : Number.NaN;
}
