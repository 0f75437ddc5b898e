import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFrames, readImage, startDecoding, type RgbFrame } from './frames';

const dir = mkdtempSync(join(tmpdir(), 'vigil-frames-'));
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

async function collect(path: string, fps?: number): Promise<RgbFrame[]> {
  const source = await openFrames(path, fps);
  const frames: RgbFrame[] = [];
  for await (const f of source.frames) frames.push(f);
  return frames;
}

/** Two seconds of ffmpeg's test pattern, every frame different. */
function movingClip(): string {
  const clip = join(dir, 'moving.mp4');
  if (!existsSync(clip)) ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=24:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip);
  return clip;
}

describe('openFrames', () => {
  it('decodes a video at the requested rate, with timestamps i / fps', async () => {
    const clip = join(dir, 'clip.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip);
    const frames = await collect(clip, 12);
    expect(frames.length).toBeGreaterThanOrEqual(23);
    expect(frames.length).toBeLessThanOrEqual(25);
    expect(frames[5]).toMatchObject({ width: 160, height: 120, index: 5, t: 5 / 12 });
    expect(frames[5]!.data.length).toBe(160 * 120 * 3);
  });

  it('decodes later frames into the memory of frames handed back, each with its own pixels', async () => {
    const clip = movingClip();
    const kept = (await collect(clip, 12)).map((f) => Buffer.from(f.data));
    const source = await openFrames(clip, 12);
    const seen: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    for await (const frame of source.frames) {
      seen.push(Buffer.from(frame.data));
      memory.add(frame.data.buffer);
      source.recycle(frame);
    }
    expect(seen).toEqual(kept);
    expect(new Set(kept.map((k) => k.toString('hex'))).size).toBe(kept.length);
    expect(memory.size).toBeLessThan(kept.length / 2);
  });

  it('gives the same frames when decoding starts before the first pull', async () => {
    const clip = movingClip();
    const lazy = (await collect(clip, 12)).map((f) => Buffer.from(f.data));
    const started = startDecoding(await openFrames(clip, 12));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const early: Buffer[] = [];
    for await (const f of started.frames) early.push(Buffer.from(f.data));
    expect(early).toEqual(lazy);
    await started.close();
  });

  it('turns a clip stored sideways upright, as players show it', async () => {
    const stored = join(dir, 'stored.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x96:rate=12:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', stored);
    const sideways = join(dir, 'sideways.mp4');
    ffmpeg('-i', stored, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', sideways);
    const frames = await collect(sideways, 12);
    expect(frames[0]).toMatchObject({ width: 96, height: 160 });
    expect(frames.every((f) => f.data.length === 96 * 160 * 3)).toBe(true);
  });

  it('decodes an image as one RGB frame at t = 0 with its colours', async () => {
    const png = join(dir, 'red.png');
    ffmpeg('-f', 'lavfi', '-i', 'color=c=red:size=33x17,format=rgb24', '-frames:v', '1', png);
    const frame = await readImage(png);
    expect(frame).toMatchObject({ width: 33, height: 17, t: 0 });
    expect(Array.from(frame.data.subarray(0, 3))).toEqual([255, 0, 0]);
  });

  it('gives RGB for a grayscale image of odd size, with equal channels in every pixel', async () => {
    const gray = join(dir, 'gray.png');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=31x19,format=gray', '-frames:v', '1', gray);
    const frame = await readImage(gray);
    expect(frame).toMatchObject({ width: 31, height: 19 });
    expect(frame.data.length).toBe(31 * 19 * 3);
    for (let i = 0; i < frame.data.length; i += 3) expect([frame.data[i + 1], frame.data[i + 2]]).toEqual([frame.data[i], frame.data[i]]);
  });

  it('keeps the frames before the damage in a truncated video', async () => {
    const clip = join(dir, 'long.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=24:duration=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', clip);
    const cut = join(dir, 'cut.mp4');
    const bytes = readFileSync(clip);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    // ffmpeg reports the damage on stderr ("partial file", "Invalid NAL unit size") and still decodes what came before.
    const whole = await collect(clip, 12);
    const frames = await collect(cut, 12);
    // 60 % of the bytes hold about half of the 4 s at 12 fps (24 of 48 frames with today's ffmpeg).
    expect(whole).toHaveLength(48);
    expect(frames.length).toBeGreaterThanOrEqual(12);
    expect(frames.length).toBeLessThan(whole.length);
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i));
    // They are the clip's own first frames, pixel for pixel, not something decoded from the damage.
    for (const [i, f] of frames.entries()) expect(Buffer.from(f.data).equals(Buffer.from(whole[i]!.data)), `frame ${i}`).toBe(true);
  });

  it('names the file and the problem for a missing or non-media file', async () => {
    await expect(openFrames(join(dir, 'nope.mp4'))).rejects.toThrow(/nope\.mp4: cannot read/);
    const text = join(dir, 'notes.mp4');
    writeFileSync(text, 'this is not a video\n');
    await expect(openFrames(text)).rejects.toThrow(/notes\.mp4: not a readable media file/);
  });

  it('rejects an audio-only file as having no video', async () => {
    const wav = join(dir, 'tone.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=300:duration=1', wav);
    await expect(openFrames(wav)).rejects.toThrow(/tone\.wav: has no video or image/);
  });
});
