import { describe, expect, it } from 'vitest';
import { dueOnGrid, GRID_START } from './rate-schedule';

/** The times at which a model due every `every` s runs over a stream of frame times. */
function runs(times: readonly number[], every: number): number[] {
  let state = GRID_START;
  const out: number[] = [];
  for (const t of times) {
    const d = dueOnGrid(state, t, every);
    if (!d.due) continue;
    state = d.next;
    out.push(t);
  }
  return out;
}

describe('rate schedule', () => {
  it('runs once a second on a file clock at 12 fps: frames 0, 12, 24...', () => {
    const frames = Array.from({ length: 12 * 26 }, (_, i) => i / 12);
    expect(runs(frames, 1)).toEqual(Array.from({ length: 26 }, (_, k) => frames[12 * k]));
  });

  it('keeps one run a second on a live camera with jitter and dropped frames (the file path has as many)', () => {
    // 0-35 ms late, every 9th frame dropped: "at least 1 s after the last run" took 25 of 26 here, the last 1.35 s late.
    const frames = Array.from({ length: 12 * 26 }, (_, i) => i).filter((i) => i % 9 !== 4).map((i) => i / 12 + ((i * 7919) % 36) / 1000);
    const taken = runs(frames, 1);
    expect(taken).toHaveLength(26);
    taken.forEach((t, k) => expect(t - k).toBeLessThan(0.2));
  });

  it('after a gap starts again at the next frame, never closer than half a step to the run before', () => {
    expect(runs([0, 1, 2, 5.3, 5.9, 6.2, 6.3, 7.3], 1)).toEqual([0, 1, 2, 5.3, 6.3, 7.3]);
    expect(runs([0, 1.9, 2.0, 2.3, 2.4, 3.0], 1)).toEqual([0, 1.9, 2.4, 3.0]);
  });

  it('keeps its grid through a late frame at a low analysed rate (a loaded machine: 1.6 fps)', () => {
    // Frames 0.625 s apart: slot 1 is taken at 1.25 (0.25 late), slot 2 at 2.5 (0.5 late), slot 3 at 3.125...
    const frames = Array.from({ length: 20 }, (_, i) => i * 0.625);
    const taken = runs(frames, 1);
    expect(taken).toHaveLength(12);
    taken.forEach((t, k) => expect(t - k).toBeLessThan(0.625));
  });

  it('counts a clock that jumps backwards (a new clip) as due', () => {
    expect(runs([0, 1, 2, 0, 0.5, 1], 1)).toEqual([0, 1, 2, 0, 1]);
  });
});
