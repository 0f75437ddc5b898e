import { describe, expect, it } from 'vitest';
import { decodeNanodet, NANODET_SIZE } from './nanodet';
import { iou } from './boxes';
import { COCO_LABELS } from './objects';
import { openModels } from './sessions';
import { detectObjectsNanodet } from './nanodet';
import { sample } from './test-images';

const C = COCO_LABELS.length;
const CH = C + 44;
const heads = () => [52, 26, 13].map((g) => new Float32Array(g * g * CH).fill(-20));

/** Puts one object in a cell: its class logit, and each side's distribution peaked (all mass) on one bin. */
function put(head: Float32Array, grid: number, x: number, y: number, classId: number, logit: number, bins: [number, number, number, number]) {
  const base = (y * grid + x) * CH;
  head[base + classId] = logit;
  bins.forEach((b, side) => {
    for (let k = 0; k < 11; k++) head[base + C + side * 11 + k] = k === b ? 30 : 0;
  });
}

describe('NanoDet decode (GFL heads, strides 8/16/32)', () => {
  it('turns a cell and its four distance distributions into a box around the cell centre, scaled to the frame', () => {
    const h = heads();
    // Stride 16 grid, cell (10, 5): centre (168, 88) on the 416 input; sides 2, 3, 4, 5 bins of 16 px.
    put(h[1]!, 26, 10, 5, 67, 2, [2, 3, 4, 5]);
    const [phone, ...rest] = decodeNanodet(h, NANODET_SIZE * 2, NANODET_SIZE);
    expect(rest).toEqual([]);
    expect(phone!.label).toBe('cell phone');
    expect(phone!.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
    expect(phone!.box.x).toBeCloseTo((168 - 32) * 2, 3);
    expect(phone!.box.y).toBeCloseTo(88 - 48, 3);
    expect(phone!.box.w).toBeCloseTo((32 + 64) * 2, 3);
    expect(phone!.box.h).toBeCloseTo(48 + 80, 3);
  });

  it('takes the expectation of a spread distribution, not its largest bin', () => {
    const h = heads();
    put(h[2]!, 13, 6, 6, 0, 3, [1, 1, 1, 1]);
    const base = (6 * 13 + 6) * CH + C;
    // Left side: equal mass on bins 1 and 2 -> 1.5 bins of 32 px.
    for (let k = 0; k < 11; k++) h[2]![base + k] = k === 1 || k === 2 ? 30 : 0;
    const [person] = decodeNanodet(h, NANODET_SIZE, NANODET_SIZE);
    expect(person!.box.x).toBeCloseTo(6.5 * 32 - 48, 3);
  });

  it('keeps the best of overlapping boxes of one class, drops scores under the threshold', () => {
    const h = heads();
    put(h[0]!, 52, 20, 20, 73, 1, [3, 3, 3, 3]);
    put(h[0]!, 52, 21, 20, 73, 0.5, [3, 3, 3, 3]);
    put(h[0]!, 52, 40, 40, 1, -3, [3, 3, 3, 3]);
    const found = decodeNanodet(h, NANODET_SIZE, NANODET_SIZE);
    expect(found.map((o) => [o.label, Math.round(o.score * 100)])).toEqual([['book', 73]]);
  });

  it('finds the people in a real photo with the converted model, at the same place when the frame is half as wide again', async () => {
    const { nanodet } = await openModels(['nanodet']);
    const frame = await sample('samples.jpg');
    const people = (await detectObjectsNanodet(nanodet, frame)).filter((o) => o.label === 'person');
    // The same photo with half as much black again on its right: the letterbox's bars move from the bottom to the top
    // and bottom, and boxes must still come back in frame pixels on the same people.
    const wide = { ...frame, width: Math.round(frame.width * 1.5), data: new Uint8Array(Math.round(frame.width * 1.5) * frame.height * 3) };
    for (let y = 0; y < frame.height; y++) wide.data.set(frame.data.subarray(y * frame.width * 3, (y + 1) * frame.width * 3), y * wide.width * 3);
    const again = (await detectObjectsNanodet(nanodet, wide)).filter((o) => o.label === 'person');
    await nanodet.release();
    const best = [...people].sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h).slice(0, 5);
    const overlaps = best.map((p) => Math.round(100 * Math.max(...again.map((t) => iou(t.box, p.box)))) / 100);
    expect(overlaps.filter((v) => v > 0.5).length, JSON.stringify(overlaps)).toBeGreaterThanOrEqual(3);
    // The collage's thumbnails and group photo: at least the five tallest people are found.
    expect(people.length).toBeGreaterThanOrEqual(5);
    for (const p of people) {
      expect(p.box.x).toBeGreaterThanOrEqual(0);
      expect(p.box.x + p.box.w).toBeLessThanOrEqual(frame.width + 1);
    }
  });
});
