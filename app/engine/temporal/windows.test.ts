import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPORAL_COLUMNS } from '../features/schema';
import { loadFeatureCsv, type FeatureVideo } from './csv';
import { syntheticCsv, type SyntheticVideo } from './synthetic';
import { blockedFolds, splitBlockedFold, splitInTime, windowsOf, windowsOfAll, type FeatureWindow } from './windows';

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

/** Feature tables written by synthetic.ts and loaded as the trainer loads them (sorted by time per video). */
function syntheticVideos(videos: SyntheticVideo[]): FeatureVideo[] {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-windows-')), 'train.csv');
  writeFileSync(path, syntheticCsv(videos, { seed: 7 }));
  return loadFeatureCsv(path, TEMPORAL_COLUMNS);
}

const key = (w: FeatureWindow) => `${w.video}@${w.start}`;

describe('blocked time folds', () => {
  // 96 and 61 windows: uneven, so the last block of each video is a partial one.
  const videos = syntheticVideos([{ video: 'C', frames: 965, cheating: true }, { video: 'N', frames: 615, cheating: false }]);
  const windows = windowsOfAll(videos, 15, 5);

  it.each([2, 3, 5, 7])('with %i folds, holds out every window exactly once', (k) => {
    const folds = blockedFolds(windows, k);
    expect(folds).toHaveLength(k);
    const heldOut = folds.flatMap((f) => f.validation.map(key));
    expect(heldOut.sort()).toEqual(windows.map(key).sort());
    // Every fold validates on both recordings, so on both classes here.
    for (const f of folds) expect(new Set(f.validation.map((w) => w.video))).toEqual(new Set(videos.map((v) => v.id)));
  });

  it('trains on no window sharing a frame with a held-out one, and drops only the neighbours of held-out blocks', () => {
    for (const { train, validation } of blockedFolds(windows, 5)) {
      const held = new Set(validation.map(key));
      for (const t of train) {
        expect(held.has(key(t))).toBe(false);
        for (const v of validation.filter((w) => w.video === t.video)) expect(Math.abs(t.start - v.start)).toBeGreaterThanOrEqual(15);
      }
      const kept = new Set([...train, ...validation].map(key));
      const dropped = windows.filter((w) => !kept.has(key(w)));
      expect(dropped.length).toBeGreaterThan(0);
      for (const d of dropped) expect(held.has(`${d.video}@${d.start - 10}`) || held.has(`${d.video}@${d.start + 10}`)).toBe(true);
    }
  });

  it('cuts windows inside one video: every window of a fold is frames of its own video', () => {
    const byId = new Map(videos.map((v) => [v.id, v]));
    for (const { train, validation } of blockedFolds(windows, 3)) {
      for (const w of [...train, ...validation]) {
        const v = byId.get(w.video)!;
        expect(w.start + 15).toBeLessThanOrEqual(v.rows.length);
        expect(Array.from(w.values)).toEqual(Array.from(Float32Array.from(v.rows.slice(w.start, w.start + 15).flat())));
      }
    }
  });

  it('holds out blocks spread over the whole recording, of at most 5 windows', () => {
    const { validation } = splitBlockedFold(windows, 5, 0);
    const starts = validation.filter((w) => w.video === videos[0]!.id).map((w) => w.start / 10);
    expect(starts.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 25]);
    expect(Math.max(...starts)).toBeGreaterThan(75);
  });

  it('keeps the single validation split as the last of its folds', () => {
    expect(splitInTime(windows, 0.2)).toEqual(splitBlockedFold(windows, 5, 4));
  });

  it('refuses fewer than 2 folds, and more folds than a video has blocks, naming the video', () => {
    expect(() => blockedFolds(windows, 1)).toThrow('cross-validation needs at least 2 folds, got 1');
    const short = [...windows, ...windowsOf(video('S', Array(45).fill(0)), 15, 5)];
    expect(() => blockedFolds(short, 5)).toThrow('5 folds need at least 5 time blocks in every video, but S has 4 windows, so only 4 blocks');
    expect(blockedFolds(short, 4)).toHaveLength(4);
  });
});
