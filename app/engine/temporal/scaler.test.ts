import { describe, expect, it } from 'vitest';
import { applyScaler, fitScaler } from './scaler';

describe('StandardScaler', () => {
  it('fits per-column mean and population standard deviation, skipping NaN', () => {
    const scaler = fitScaler([Float32Array.from([1, 10, 3, Number.NaN]), Float32Array.from([5, 30])], 2);
    expect(scaler.mean[0]).toBeCloseTo(3, 6);
    expect(scaler.mean[1]).toBeCloseTo(20, 6);
    expect(scaler.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(scaler.std[1]).toBeCloseTo(10, 6);
  });

  it('scales to zero mean and unit variance, a missing value to 0 and a constant column to 0', () => {
    const scaler = fitScaler([Float32Array.from([1, 7, 3, 7, 5, 7])], 2);
    expect(scaler.std[1]).toBe(1);
    expect(Array.from(applyScaler(Float32Array.from([1, 7, Number.NaN, 7]), scaler)).map((v) => Number(v.toFixed(4)))).toEqual([-1.2247, 0, 0, 0]);
  });
});
