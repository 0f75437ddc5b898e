import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryMetrics, rocAuc } from './metrics';

describe('metrics', () => {
  it('ROC AUC is 1 for a perfect ranking, 0 for a reversed one, and counts ties as half', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // Hand count: positives 0.35, 0.8; negatives 0.1, 0.4 -> pairs won: (0.35>0.1), (0.8>0.1), (0.8>0.4) = 3 of 4.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('is undefined (null) when one class is absent', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNull();
  });

  it('counts the confusion matrix at the threshold, inclusive', () => {
    const m = binaryMetrics([0.39, 0.4, 0.7, 0.1, 0.6], [1, 1, 0, 0, 1], 0.4);
    expect(m.confusion).toEqual({ tn: 1, fp: 1, fn: 1, tp: 2 });
    expect(m.accuracy).toBeCloseTo(3 / 5);
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
  });

  it('binary cross-entropy is log 2 for coin flips and stays finite for a confident mistake', () => {
    expect(binaryCrossEntropy([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 6);
    expect(Number.isFinite(binaryCrossEntropy([1], [0]))).toBe(true);
  });
});
