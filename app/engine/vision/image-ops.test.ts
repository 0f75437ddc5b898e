import { describe, expect, it } from 'vitest';
import { RAW, TO_SIGNED, bgrPlanes, cropToTensor, type Crop } from './image-ops';
import { sample } from './test-images';

describe('cropToTensor', () => {
  it('writes at an offset into a larger tensor, leaving the rest untouched', async () => {
    const frame = await sample('screenshot-faceid.jpg');
    const out = new Float32Array(2 * 8 * 8 * 3).fill(7);
    cropToTensor(frame, { cx: 50, cy: 50, w: 40, h: 40, angle: 0 }, 8, 8, RAW, out, 8 * 8 * 3);
    expect(out.slice(0, 8 * 8 * 3).every((v) => v === 7)).toBe(true);
    expect(out.slice(8 * 8 * 3).some((v) => v !== 7)).toBe(true);
  });

  it('samples bilinearly through the rotated box, clamping at the border and black outside, inside or across the frame edge', async () => {
    const frame = await sample('screenshot-faceid.jpg');
    // The textbook sampler, one pixel at a time from the closed-form position.
    const reference = (crop: Crop, outW: number, outH: number): Float32Array => {
      const out = new Float32Array(outW * outH * 3);
      const at = (x: number, y: number, c: number) => frame.data[(Math.min(Math.max(y, 0), frame.height - 1) * frame.width + Math.min(Math.max(x, 0), frame.width - 1)) * 3 + c]!;
      for (let j = 0; j < outH; j++)
        for (let i = 0; i < outW; i++) {
          const u = ((i + 0.5) * (crop.w / outW) - crop.w / 2) * (crop.flip ? -1 : 1);
          const v = (j + 0.5) * (crop.h / outH) - crop.h / 2;
          const x = crop.cx + u * Math.cos(crop.angle) - v * Math.sin(crop.angle) - 0.5;
          const y = crop.cy + u * Math.sin(crop.angle) + v * Math.cos(crop.angle) - 0.5;
          const [x0, y0] = [Math.floor(x), Math.floor(y)];
          for (let c = 0; c < 3; c++) {
            const outside = x < -1 || y < -1 || x0 >= frame.width || y0 >= frame.height;
            const top = at(x0, y0, c) + (at(x0 + 1, y0, c) - at(x0, y0, c)) * (x - x0);
            const bottom = at(x0, y0 + 1, c) + (at(x0 + 1, y0 + 1, c) - at(x0, y0 + 1, c)) * (x - x0);
            out[(j * outW + i) * 3 + c] = outside ? -1 : (top + (bottom - top) * (y - y0)) * TO_SIGNED.scale + TO_SIGNED.offset;
          }
        }
      return out;
    };
    const { width, height } = frame;
    const crops: Crop[] = [
      { cx: width / 2, cy: height / 2, w: width / 3, h: height / 3, angle: 0.3 },
      { cx: width / 3, cy: height / 2, w: 60, h: 40, angle: -1.2, flip: true },
      { cx: 5, cy: height - 8, w: 80, h: 80, angle: 0.7 },
      { cx: width / 2, cy: height / 2, w: width * 1.5, h: height * 1.5, angle: 0 },
    ];
    for (const crop of crops) {
      const ours = cropToTensor(frame, crop, 37, 29, TO_SIGNED);
      const expected = reference(crop, 37, 29);
      let worst = 0;
      for (let k = 0; k < ours.length; k++) worst = Math.max(worst, Math.abs(ours[k]! - expected[k]!));
      expect(worst).toBeLessThan(1e-4);
    }
  });
});

describe('bgrPlanes', () => {
  it('writes blue, green and red planes, each normalised with its own constants, to the value of (v - mean) / std', async () => {
    const frame = await sample('screenshot-faceid.jpg');
    const count = 32 * 24;
    const rgb = cropToTensor(frame, { cx: 200, cy: 150, w: 160, h: 120, angle: 0.2 }, 32, 24, RAW);
    const mean = [103.53, 116.28, 123.675] as const;
    const std = [57.375, 57.12, 58.395] as const;
    const planes = bgrPlanes(rgb, count, mean, std);
    expect(planes.length).toBe(3 * count);
    // The loop over the channels the detectors used before: every value the same, bit for bit.
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < 3; c++) expect(planes[c * count + i]).toBe(Math.fround((rgb[i * 3 + 2 - c]! - mean[c]!) / std[c]!));
    }
  });
});
