import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../media/frames';
import { pipelined } from './analyze-media';
import type { VisionResult } from './pipeline';
import { emptyFrame } from '../features/schema';

async function* frames(n: number): AsyncGenerator<RgbFrame> {
  for (let i = 0; i < n; i++) yield { width: 1, height: 1, data: new Uint8Array(3), t: i, index: i };
}

const result = (frame: RgbFrame): VisionResult => ({ features: emptyFrame(frame.t, frame.index), faces: [], objects: null, detectorRan: false });

describe('pipelined', () => {
  it('yields results in frame order when later frames finish first, with at most `depth` unanswered', async () => {
    let open = 0;
    let most = 0;
    const slowFirst = (frame: RgbFrame) => {
      open++;
      most = Math.max(most, open);
      return new Promise<VisionResult>((resolve) => setTimeout(() => (open--, resolve(result(frame))), (10 - frame.index) * 3));
    };
    const order: number[] = [];
    for await (const r of pipelined(frames(10), slowFirst, 4)) order.push(r.features.frame_index);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(4);
  });

  it('passes on the first failure in order, and does not leave later failures unhandled', async () => {
    const failing = (frame: RgbFrame) => (frame.index >= 2 ? Promise.reject(new Error(`frame ${frame.index} broke`)) : Promise.resolve(result(frame)));
    const seen: number[] = [];
    const run = async () => {
      for await (const r of pipelined(frames(6), failing, 4)) seen.push(r.features.frame_index);
    };
    await expect(run()).rejects.toThrow('frame 2 broke');
    expect(seen).toEqual([0, 1]);
  });
});
