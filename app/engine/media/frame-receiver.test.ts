import { describe, expect, it } from 'vitest';
import { FrameReceiver } from './frame-receiver';

/** Feeds bytes the way a socket's onread does: into `target()`, at most `chunk` at a time. */
function feed(receiver: FrameReceiver, bytes: Uint8Array, chunk: number): void {
  for (let offset = 0; offset < bytes.length; ) {
    const into = receiver.direct.buffer();
    const take = Math.min(into.length, chunk, bytes.length - offset);
    into.set(bytes.subarray(offset, offset + take));
    offset += take;
    receiver.direct.callback(take);
  }
}

async function collect(receiver: FrameReceiver): Promise<number[][]> {
  const out: number[][] = [];
  for await (const frame of receiver.frames()) out.push([...frame]);
  return out;
}

describe('FrameReceiver', () => {
  it('cuts reads of any size into whole frames in order and drops a partial frame at the end', async () => {
    const receiver = new FrameReceiver(4, 8, []);
    feed(receiver, Uint8Array.from({ length: 14 }, (_, i) => i), 3);
    receiver.end();
    expect(await collect(receiver)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  });

  it('fills frames handed back before allocating new ones', async () => {
    const mine = new Uint8Array(4);
    const receiver = new FrameReceiver(4, 8, [mine]);
    feed(receiver, Uint8Array.of(9, 8, 7, 6), 4);
    receiver.end();
    const frames = receiver.frames();
    const first = (await frames.next()).value!;
    expect(first).toBe(mine);
    expect([...first]).toEqual([9, 8, 7, 6]);
  });

  it('asks the decoder to pause once `ahead` frames wait, and to go on when the caller takes one', async () => {
    const receiver = new FrameReceiver(2, 2, []);
    const calls: string[] = [];
    receiver.pause = () => calls.push('pause');
    receiver.resume = () => calls.push('resume');
    feed(receiver, Uint8Array.of(1, 2), 2);
    expect(receiver.direct.callback(0)).toBe(true);
    feed(receiver, Uint8Array.of(3, 4), 2);
    expect(receiver.direct.callback(0)).toBe(false);
    const frames = receiver.frames();
    await frames.next();
    expect(calls).toEqual(['resume']);
  });

  it('fails the reader with the decoder error once the frames before it are taken', async () => {
    const receiver = new FrameReceiver(2, 4, []);
    feed(receiver, Uint8Array.of(1, 2), 2);
    receiver.fail(new Error('ffmpeg: not found on PATH'));
    const frames = receiver.frames();
    expect([...(await frames.next()).value!]).toEqual([1, 2]);
    await expect(frames.next()).rejects.toThrow(/not found/);
  });
});
