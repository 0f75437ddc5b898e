import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { cameraLook } from './augment';

const grey = (value: number) => ({ width: 32, height: 24, data: new Uint8Array(32 * 24 * 3).fill(value) });
const channelMeans = (data: Uint8Array) => [0, 1, 2].map((c) => data.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / (data.length / 3));

describe('camera look augmentation', () => {
  it('gives every frame of one sequence copy the same colour balance, with fresh noise per frame', () => {
    const rng = seedrandom('look');
    const look = cameraLook(rng);
    const a = look(grey(128));
    const b = look(grey(128));
    expect(a.data).toHaveLength(grey(128).data.length);
    const [ma, mb] = [channelMeans(a.data), channelMeans(b.data)];
    ma.forEach((m, c) => expect(Math.abs(m - mb[c]!)).toBeLessThan(1.5));
    // A cast: the three channels of a grey frame no longer agree (gains 0.8-1.2 drawn per channel).
    expect(Math.max(...ma) - Math.min(...ma)).toBeGreaterThan(1);
    expect(a.data).not.toEqual(b.data);
  });

  it('draws a different look for another copy, and the same one again from the same seed', () => {
    const first = channelMeans(cameraLook(seedrandom('copy-1'))(grey(100)).data);
    const again = channelMeans(cameraLook(seedrandom('copy-1'))(grey(100)).data);
    const other = channelMeans(cameraLook(seedrandom('copy-2'))(grey(100)).data);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});
