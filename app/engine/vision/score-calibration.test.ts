import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from './detection-metrics';
import { MIN_POSITIVES, applyPlatt, calibrate, fitObjectCalibration, fitPlatt, rawScoreFor, readObjectCalibration } from './score-calibration';

/** Detections whose true chance of being right is sigmoid(2 * logit(raw) + 1): an overconfident-low detector. */
function detections(n: number, seed: string) {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => {
    const raw = 0.05 + 0.9 * rng();
    const truth = 1 / (1 + Math.exp(-(2 * Math.log(raw / (1 - raw)) + 1)));
    return { score: raw, correct: rng() < truth };
  });
}

describe('object score calibration', () => {
  it('recovers the mapping a detector really has, and lowers the calibration error on fresh detections', () => {
    const fit = fitPlatt(detections(4000, 'fit'));
    expect(fit.a).toBeCloseTo(2, 0);
    expect(fit.b).toBeCloseTo(1, 0);
    const test = detections(4000, 'test');
    const before = expectedCalibrationError(test)!;
    const after = expectedCalibrationError(test.map((d) => ({ ...d, score: applyPlatt(fit, d.score) })))!;
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.03);
  });

  it('fits a class of its own only with enough right detections; the others use the fit over all classes', () => {
    const many = detections(400, 'person');
    const few = detections(12, 'phone').map((d, i) => ({ ...d, correct: i < MIN_POSITIVES - 1 }));
    const c = fitObjectCalibration({ person: many, 'cell phone': few }, { model: 'test', fittedOn: 'synthetic', minRawScore: 0.05 });
    expect(Object.keys(c.classes)).toEqual(['person']);
    expect(calibrate(c, 'cell phone', 0.5)).toBeCloseTo(applyPlatt(c.fallback, 0.5), 10);
    // The raw score that reaches a calibrated confidence maps back onto it.
    expect(calibrate(c, 'person', rawScoreFor(c, 'person', 0.7))).toBeCloseTo(0.7, 6);
  });

  it('rejects a corrupt calibration file with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-calibration-'));
    writeFileSync(join(dir, 'bad.json'), '{"method":"isotonic"}');
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(() => readObjectCalibration('x', join(dir, 'bad.json'))).toThrow(/bad\.json: not a valid object calibration/);
    expect(() => readObjectCalibration('x', join(dir, 'broken.json'))).toThrow(/broken\.json: not JSON/);
    expect(readObjectCalibration('x', join(dir, 'none.json'))).toBeNull();
  });
});
