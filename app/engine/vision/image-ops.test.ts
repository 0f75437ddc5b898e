import { describe, expect, it } from 'vitest';
import { RAW, cropToTensor } from './image-ops';
import { sample } from './test-images';

describe('cropToTensor', () => {
  it('writes at an offset into a larger tensor, leaving the rest untouched', async () => {
    const frame = await sample('screenshot-faceid.jpg');
    const out = new Float32Array(2 * 8 * 8 * 3).fill(7);
    cropToTensor(frame, { cx: 50, cy: 50, w: 40, h: 40, angle: 0 }, 8, 8, RAW, out, 8 * 8 * 3);
    expect(out.slice(0, 8 * 8 * 3).every((v) => v === 7)).toBe(true);
    expect(out.slice(8 * 8 * 3).some((v) => v !== 7)).toBe(true);
  });
});
