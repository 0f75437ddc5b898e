import { describe, expect, it } from 'vitest';
import { DEFAULT_HYSTERESIS, segmentsOf } from './hysteresis';

const dt = 0.1;
const opts = { ...DEFAULT_HYSTERESIS, padSec: 0 };
const track = (pattern: string) => [...pattern].map((c) => (c === '#' ? 0.9 : c === '-' ? 0.4 : 0.05));

describe('speech hysteresis', () => {
  it('turns a run of speech chunks into one segment on the clock', () => {
    const [s, ...rest] = segmentsOf(track('....######....'), dt, opts, 10);
    expect(rest).toEqual([]);
    expect(s!.start).toBeCloseTo(10.4);
    expect(s!.end).toBeCloseTo(11.0);
    expect(s!.maxProb).toBeCloseTo(0.9);
  });

  it('drops speech shorter than the minimum (a click or a cough)', () => {
    expect(segmentsOf(track('....##........'), dt, opts)).toEqual([]);
  });

  it('bridges a silence shorter than the minimum silence', () => {
    expect(segmentsOf(track('###..###......'), dt, opts)).toHaveLength(1);
    expect(segmentsOf(track('###....###....'), dt, opts)).toHaveLength(2);
  });

  it('stays in speech while the probability is between the two thresholds', () => {
    const [s] = segmentsOf(track('..###------##...'), dt, opts);
    expect(s!.start).toBeCloseTo(0.2);
    expect(s!.end).toBeCloseTo(1.3);
  });

  it('does not start speech below the upper threshold', () => {
    expect(segmentsOf(track('..--------..'), dt, opts)).toEqual([]);
  });

  it('pads segments and merges the ones padding makes touch', () => {
    const segments = segmentsOf(track('..####....####..........'), dt, { ...opts, minSilenceSec: 0.3, padSec: 0.25 });
    expect(segments).toHaveLength(1);
    expect(segments[0]!.start).toBeCloseTo(0);
  });

  it('closes speech still open at the end of the stream', () => {
    const [s] = segmentsOf(track('....######'), dt, opts);
    expect(s!.end).toBeCloseTo(1.0);
  });
});
