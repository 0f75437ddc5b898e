import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../media/frames';
import { openModels, type Model } from './sessions';
import { sample, samplePath } from './test-images';
import { detectText, textInputSize, textRegions } from './text';

let model: Model;
const scratch = mkdtempSync(join(tmpdir(), 'vigil-text-'));
beforeAll(async () => {
  ({ textdet: model } = await openModels(['textdet']));
});
afterAll(async () => {
  await model?.release();
  rmSync(scratch, { recursive: true, force: true });
});

describe('visible text on real images', () => {
  it('finds the lines of a menu screenshot, with high scores', async () => {
    const regions = await detectText(model, await sample('screenshot-menu.png'));
    expect(regions.length).toBeGreaterThan(10);
    expect(regions[0]!.score).toBeGreaterThan(0.9);
  });

  it('finds no text in a photo of people', async () => {
    expect(await detectText(model, await sample('samples.jpg'))).toEqual([]);
  });

  it('finds a page held up beside faces, where it is: part of the menu laid over the right of a webcam-sized photo', async () => {
    const out = join(scratch, 'page-beside-faces.png');
    // An 848x480 frame (the gaze clips' size) with the "page" over x 470-830, y 140-380.
    const filter = '[0]scale=848:480[frame];[1]crop=300:200:0:0,scale=360:-1[page];[frame][page]overlay=470:140';
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', samplePath('samples.jpg'), '-i', samplePath('screenshot-menu.png'), '-filter_complex', filter, out]);
    const regions = await detectText(model, await readImage(out));
    expect(regions.length).toBeGreaterThan(5);
    expect(regions[0]!.score).toBeGreaterThan(0.9);
    for (const r of regions) {
      expect(r.box.x).toBeGreaterThanOrEqual(460);
      expect(r.box.y).toBeGreaterThanOrEqual(130);
    }
  });
});

describe('text regions of a probability map', () => {
  it('keeps solid regions, scaled to the frame, best first; drops faint ones and thin streaks', () => {
    const w = 40;
    const h = 20;
    const prob = new Float32Array(w * h);
    const fill = (x0: number, y0: number, x1: number, y1: number, p: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * w + x] = p;
    };
    fill(2, 2, 12, 6, 0.8); // a line of text
    fill(20, 10, 30, 15, 0.95); // a stronger one
    fill(2, 12, 12, 16, 0.45); // above binarisation, below the region score
    fill(14, 0, 38, 1, 0.99); // a one-pixel streak
    const regions = textRegions(prob, w, h, 2, 3);
    expect(regions.map((r) => r.score)).toEqual([expect.closeTo(0.95, 5), expect.closeTo(0.8, 5)]);
    expect(regions[0]!.box).toEqual({ x: 40, y: 30, w: 20, h: 15 });
  });

  it('sizes the input in multiples of 32 with the longest side at most 480, never enlarging', () => {
    expect(textInputSize(848, 480, 480)).toEqual([480, 256]);
    expect(textInputSize(320, 240, 480)).toEqual([320, 256]);
    expect(textInputSize(10, 10, 480)).toEqual([32, 32]);
  });
});
