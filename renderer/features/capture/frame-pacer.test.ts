import { describe, expect, it } from 'vitest';
import { FramePacer, MAX_IN_FLIGHT, percentile } from './frame-stream';

/** Capture times of a camera at `fps` for `seconds`, with a little jitter as real capture has. */
const captures = (fps: number, seconds: number) => Array.from({ length: Math.round(fps * seconds) }, (_, i) => i / fps + ((i * 7) % 5) * 0.001);

describe('frame pacing', () => {
  it('takes frames evenly at the policy rate from a faster camera', () => {
    for (const cameraFps of [15, 30]) {
      const pacer = new FramePacer(12);
      const sent = captures(cameraFps, 10).filter((t) => pacer.decide(t, 0) === 'send');
      expect(sent.length, `${cameraFps} fps camera`).toBeGreaterThanOrEqual(119);
      expect(sent.length).toBeLessThanOrEqual(121);
      const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
      // Never two frames closer than half a period, never a gap of more than two camera frames.
      expect(Math.min(...gaps)).toBeGreaterThan(0.5 / 12);
      expect(Math.max(...gaps)).toBeLessThan(1 / 12 + 1 / cameraFps + 0.01);
      expect(pacer.dropped).toBe(0);
    }
  });

  it('sends every frame of a camera slower than the policy rate', () => {
    const pacer = new FramePacer(12);
    expect(captures(10, 5).every((t) => pacer.decide(t, 0) === 'send')).toBe(true);
  });

  it('drops and counts the frames due while the engine is late, and only those, spread over the time it was late', () => {
    const pacer = new FramePacer(12);
    let inFlight = 0;
    const decisions = captures(30, 10).map((t) => {
      // The engine is late between 3 and 5 s: nothing it was sent comes back.
      if (!(t >= 3 && t < 5)) inFlight = 0;
      const d = pacer.decide(t, inFlight);
      if (d === 'send') inFlight += 1;
      return { t, d };
    });
    const dropped = decisions.filter((x) => x.d === 'drop');
    expect(pacer.dropped).toBe(dropped.length);
    // About 24 frames were due in those 2 s; MAX_IN_FLIGHT of them were sent before the limit.
    expect(dropped.length).toBeGreaterThanOrEqual(24 - MAX_IN_FLIGHT - 1);
    expect(dropped.length).toBeLessThanOrEqual(24 - MAX_IN_FLIGHT + 1);
    expect(dropped.every((x) => x.t >= 3 && x.t < 5)).toBe(true);
    // Exactly MAX_IN_FLIGHT frames went out while nothing came back: bounded, never queued.
    expect(decisions.filter((x) => x.t >= 3 && x.t < 5 && x.d === 'send')).toHaveLength(MAX_IN_FLIGHT);
    // The frames after it are sent again at the policy rate, on their own capture times.
    expect(decisions.filter((x) => x.t >= 5 && x.d === 'send').length).toBeGreaterThanOrEqual(59);
  });

  it('gives percentiles of latency', () => {
    expect(percentile([], 95)).toBe(0);
    expect(percentile([30, 10, 20, 40], 50)).toBe(30);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(96);
  });
});
