import { describe, expect, it } from 'vitest';
import { COCO_LABELS, decodeCenternet, heatmapPeaks } from './objects';

const GRID = 128;
const C = COCO_LABELS.length;
const at = (x: number, y: number, c: number) => (y * GRID + x) * C + c;

function heads() {
  return { heat: new Float32Array(GRID * GRID * C), wh: new Float32Array(GRID * GRID * 4) };
}

describe('CenterNet decode', () => {
  it('keeps only 3x3 peaks of a class plane', () => {
    const { heat } = heads();
    heat[at(10, 20, 67)] = 0.9;
    heat[at(11, 20, 67)] = 0.5;
    heat[at(11, 20, 0)] = 0.4;
    expect(heatmapPeaks(heat, GRID, C, 0.2).sort((a, b) => a - b)).toEqual([at(11, 20, 0), at(10, 20, 67)].sort((a, b) => a - b));
  });

  it('turns a peak and its size head into a frame box, scaled from the 512 input', () => {
    const { heat, wh } = heads();
    heat[at(10, 20, 67)] = 0.9;
    wh.set([8, 8, 8, 8], (20 * GRID + 10) * 4);
    const [phone, ...rest] = decodeCenternet(heat, wh, 1024, 512);
    expect(rest).toEqual([]);
    expect(phone).toMatchObject({ label: 'cell phone', classId: 67, box: { x: 64, y: 72, w: 32, h: 16 } });
    expect(phone!.score).toBeCloseTo(0.9, 5);
  });

  it('suppresses overlapping boxes of one class but not of different classes', () => {
    const { heat, wh } = heads();
    for (const [x, c, s] of [[10, 0, 0.8], [12, 0, 0.7], [10, 73, 0.6]] as const) {
      heat[at(x, 20, c)] = s;
      wh.set([20, 20, 20, 20], (20 * GRID + x) * 4);
    }
    const found = decodeCenternet(heat, wh, 512, 512);
    expect(found.map((o) => o.label)).toEqual(['person', 'book']);
  });

  it('drops peaks under the score threshold', () => {
    const { heat, wh } = heads();
    heat[at(5, 5, 1)] = 0.1;
    expect(decodeCenternet(heat, wh, 512, 512)).toEqual([]);
  });
});
