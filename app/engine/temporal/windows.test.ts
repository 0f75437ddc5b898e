import { describe, expect, it } from 'vitest';
import type { FeatureVideo } from './csv';
import { splitInTime, windowsOf } from './windows';

function video(id: string, labels: (0 | 1)[]): FeatureVideo {
  return { id, file: 'f.csv', times: labels.map((_, i) => i * 0.1), rows: labels.map((_, i) => [i, -i]), labels };
}

describe('windows', () => {
  it('cuts windows of 15 frames starting every 10 frames, never past the video end', () => {
    const windows = windowsOf(video('v', Array(40).fill(0)), 15, 5);
    expect(windows.map((w) => w.start)).toEqual([0, 10, 20]);
    expect(Array.from(windows[1]!.values.subarray(0, 4))).toEqual([10, -10, 11, -11]);
    expect(windows[1]!.values).toHaveLength(30);
    expect(windows[2]!.t).toBeCloseTo(3.4, 6);
  });

  it('labels a window cheating if any of its frames is', () => {
    const labels = Array<0 | 1>(35).fill(0);
    labels[14] = 1;
    labels[34] = 1;
    // Frame 14 is in windows 0 (frames 0-14) and 1 (10-24); frame 34 only in window 2 (20-34).
    expect(windowsOf(video('v', labels.slice(0, 35)), 15, 5).map((w) => w.label)).toEqual([1, 1, 1]);
    labels[34] = 0;
    labels[14] = 0;
    labels[5] = 1;
    expect(windowsOf(video('v', labels), 15, 5).map((w) => w.label)).toEqual([1, 0, 0]);
  });

  it('gives no window to a video shorter than one window', () => {
    expect(windowsOf(video('v', Array(14).fill(0)), 15, 5)).toEqual([]);
  });

  it('splits in time blocks without a shared frame between training and validation windows', () => {
    const windows = [...windowsOf(video('a', Array(1000).fill(0)), 15, 5), ...windowsOf(video('b', Array(600).fill(1)), 15, 5)];
    const { train, validation } = splitInTime(windows, 0.2);
    expect(validation.length / windows.length).toBeGreaterThan(0.15);
    expect(validation.length / windows.length).toBeLessThan(0.25);
    for (const v of validation) {
      for (const t of train.filter((w) => w.video === v.video)) expect(Math.abs(t.start - v.start)).toBeGreaterThanOrEqual(15);
    }
    // Validation samples the whole recording, not only its end.
    expect(Math.min(...validation.filter((w) => w.video === 'a').map((w) => w.start))).toBeLessThan(500);
    expect(new Set(validation.map((w) => w.video))).toEqual(new Set(['a', 'b']));
  });
});
