import { describe, expect, it } from 'vitest';
import { averagePrecision, expectedCalibrationError, matchDetections, precisionRecallAt, verificationCurve } from './detection-metrics';

const box = (x: number, y: number, w = 10, h = 10) => ({ x, y, w, h });

describe('detection metrics', () => {
  it('matches each truth box once, best score first, at IoU 0.5', () => {
    const truth = [box(0, 0), box(100, 100)];
    const scored = matchDetections([{ score: 0.6, box: box(1, 1) }, { score: 0.9, box: box(0, 0) }, { score: 0.8, box: box(50, 50) }], truth);
    // The 0.9 box takes the first truth; the 0.6 duplicate of it is wrong; the 0.8 box matches nothing.
    expect(scored).toEqual([{ score: 0.9, correct: true }, { score: 0.8, correct: false }, { score: 0.6, correct: false }]);
  });

  it('gives precision and recall at a threshold with the counts they rest on', () => {
    const scored = [{ score: 0.9, correct: true }, { score: 0.8, correct: false }, { score: 0.6, correct: true }];
    expect(precisionRecallAt(scored, 4, 0.7)).toEqual({ precision: 0.5, recall: 0.25, n: 4, detections: 2 });
    expect(precisionRecallAt(scored, 0, 0.95)).toEqual({ precision: null, recall: null, n: 0, detections: 0 });
  });

  it('computes all-point average precision with monotone precision', () => {
    // Hits at ranks 1 and 3 of 2 truths: precision 1 at recall 0.5, 2/3 at recall 1 -> (1 + 2/3) / 2.
    expect(averagePrecision([{ score: 0.9, correct: true }, { score: 0.8, correct: false }, { score: 0.7, correct: true }], 2)).toBeCloseTo(5 / 6, 10);
    // A missed truth caps it: one of two found.
    expect(averagePrecision([{ score: 0.9, correct: true }], 2)).toBeCloseTo(0.5, 10);
    expect(averagePrecision([], 0)).toBeNull();
  });

  it('measures calibration error as the gap between confidence and accuracy per bin', () => {
    const calibrated = Array.from({ length: 10 }, (_, i) => ({ score: 0.75, correct: i < 7 || i === 9 ? i < 7 || i === 9 : false }));
    // 8 of 10 right at confidence 0.75: ECE 0.05.
    expect(expectedCalibrationError(calibrated)).toBeCloseTo(0.05, 10);
    const overconfident = Array.from({ length: 4 }, (_, i) => ({ score: 0.95, correct: i === 0 }));
    expect(expectedCalibrationError(overconfident)).toBeCloseTo(0.7, 10);
  });

  it('finds the equal error rate and the true accept rate at a false accept rate', () => {
    const genuine = [0.9, 0.8, 0.7, 0.6, 0.3];
    const impostor = [0.1, 0.2, 0.3, 0.4, 0.65];
    const curve = verificationCurve(genuine, impostor);
    // From 0.6 to 0.65: one impostor accepted (FAR 0.2), one genuine rejected (FRR 0.2); the lowest such threshold.
    expect(curve.eer).toBeCloseTo(0.2, 10);
    expect(curve.eerThreshold).toBe(0.6);
    // No impostor above 0.7: TAR 3/5 there.
    expect(curve.tarAt(0)).toEqual({ tar: 0.6, threshold: 0.7 });
  });
});
