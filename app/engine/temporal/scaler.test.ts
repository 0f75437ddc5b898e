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

  it('clips scaled values to the scaler\'s limit when it has one, leaving values inside it as they are', () => {
    const scaler = fitScaler([Float32Array.from([0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 100])], 1, 3);
    expect(scaler.clip).toBe(3);
    const scaled = Array.from(applyScaler(Float32Array.from([1000, -1000, 2, Number.NaN]), scaler));
    expect(scaled.slice(0, 2)).toEqual([3, -3]);
    expect(scaled[2]).toBeCloseTo((2 - scaler.mean[0]!) / scaler.std[0]!, 5);
    expect(scaled[3]).toBe(0);
    expect(applyScaler(Float32Array.from([1000]), { ...scaler, clip: null })[0]).toBeGreaterThan(3);
  });
});
