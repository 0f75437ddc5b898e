/** Counting for the evaluation: confusion counts and the rates built from them. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const emptyCounts = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

export function add(c: Counts, predicted: boolean, actual: boolean, weight = 1): void {
  if (predicted && actual) c.tp += weight;
  else if (predicted) c.fp += weight;
  else if (actual) c.fn += weight;
  else c.tn += weight;
}

export function addCounts(into: Counts, from: Counts): void {
  into.tp += from.tp;
  into.fp += from.fp;
  into.fn += from.fn;
  into.tn += from.tn;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function rates(c: Counts): { precision: number | null; recall: number | null; f1: number | null; falsePositiveRate: number | null } {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, falsePositiveRate: ratio(c.fp, c.fp + c.tn) };
}

/** Area under the ROC curve of scores for positives vs negatives (Mann-Whitney U; ties count half). */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  const all = [...positives.map((s) => ({ s, p: 1 })), ...negatives.map((s) => ({ s, p: 0 }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]!.p === 1) rankSum += rank;
    i = j;
  }
  return (rankSum - (positives.length * (positives.length + 1)) / 2) / (positives.length * negatives.length);
}
