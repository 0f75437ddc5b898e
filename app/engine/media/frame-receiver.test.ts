import { describe, expect, it } from 'vitest';
import { FrameReceiver, spawnInto } from './frame-receiver';

/** ffmpeg's own test pattern, 64x48 RGB, 30 frames: real decoder output without a file. */
const TEST_PATTERN = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=3', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
const FRAME = 64 * 48 * 3;

async function collect(receiver: FrameReceiver, handBack = false, spare: Uint8Array[] = []): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const frame of receiver.frames()) {
    out.push(Uint8Array.from(frame));
    if (handBack) spare.push(frame);
  }
  return out;
}

describe('FrameReceiver', () => {
  it('cuts chunks of any size into whole frames in order and drops a partial frame at the end', async () => {
    const receiver = new FrameReceiver(4, 8, []);
    const bytes = Uint8Array.from({ length: 14 }, (_, i) => i);
    receiver.push(bytes.subarray(0, 3));
    receiver.push(bytes.subarray(3, 9));
    receiver.push(bytes.subarray(9));
    receiver.end();
    expect((await collect(receiver)).map((f) => [...f])).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  });

  it('asks the decoder to pause once `ahead` frames wait, and to go on when the caller takes one', async () => {
    const receiver = new FrameReceiver(2, 2, []);
    const calls: string[] = [];
    receiver.pause = () => calls.push('pause');
    receiver.resume = () => calls.push('resume');
    expect(receiver.push(Uint8Array.of(1, 2))).toBe(true);
    expect(receiver.push(Uint8Array.of(3, 4))).toBe(false);
    const frames = receiver.frames();
    await frames.next();
    expect(calls).toEqual(['resume']);
  });

  it('fails the reader with the decoder error once the frames before it are taken', async () => {
    const receiver = new FrameReceiver(2, 4, []);
    receiver.push(Uint8Array.of(1, 2));
    receiver.fail(new Error('ffmpeg: not found on PATH'));
    const frames = receiver.frames();
    expect([...(await frames.next()).value!]).toEqual([1, 2]);
    await expect(frames.next()).rejects.toThrow(/not found/);
  });
});

describe('spawnInto', () => {
  it.runIf(process.platform !== 'win32')('gives the same frames through the socket as through a pipe, into the buffers handed back', async () => {
    const piped = new FrameReceiver(FRAME, 4, []);
    await spawnInto(TEST_PATTERN, piped, 'pipe');
    const expected = await collect(piped);
    expect(expected).toHaveLength(30);

    const spare: Uint8Array[] = [];
    const direct = new FrameReceiver(FRAME, 4, spare);
    const seen = new Set<ArrayBufferLike>();
    const viaSocket: Uint8Array[] = [];
    await spawnInto(TEST_PATTERN, direct, 'socket');
    for await (const frame of direct.frames()) {
      seen.add(frame.buffer);
      viaSocket.push(Uint8Array.from(frame));
      spare.push(frame);
    }
    expect(viaSocket).toEqual(expected);
    // Frames handed back are filled again: a handful of buffers serve all 30 frames.
    expect(seen.size).toBeLessThanOrEqual(6);
  });

  it.runIf(process.platform !== 'win32')('stops ffmpeg and closes its output when the reader stops early', async () => {
    const receiver = new FrameReceiver(FRAME, 2, []);
    const { child, stop } = await spawnInto(['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], receiver);
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const frames = receiver.frames();
    await frames.next();
    stop();
    expect(await exited).toBe('SIGKILL');
    // The output is closed: the reader ends instead of waiting for frames that will never come.
    for await (const frame of frames) void frame;
  });
});
