/**
 * Frozen and looping feeds, from real pixel data: frames decoded by ffmpeg from a clip made of the face photo in
 * @vladmandic/human's assets with a camera's sensor noise (as the end-to-end specs' camera files are made).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sourcePackageDir } from '../../../models/convert/build-models';
import { FeedIntegrity, frameFingerprint, loopPeriod } from './feed-integrity';

const W = 160;
const H = 120;
let noisy: Uint8Array[] = [];

/** `seconds` of the face photo with fresh sensor noise in every frame, at 12 fps, as RGB frames. */
function noisyFaceFrames(seconds: number): Uint8Array[] {
  const photo = join(sourcePackageDir(), 'assets', 'screenshot-faceid.jpg');
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-loop', '1', '-framerate', '12', '-i', photo, '-t', String(seconds), '-vf', `crop=170:128:15:140,scale=${W}:${H},noise=alls=5:allf=t+u`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 * 1024 * 1024 });
  const size = W * H * 3;
  return Array.from({ length: raw.byteLength / size }, (_, i) => new Uint8Array(raw.subarray(i * size, (i + 1) * size)));
}

function feed(frames: readonly Uint8Array[], fps = 12) {
  const integrity = new FeedIntegrity();
  const opened = frames.flatMap((f, i) => integrity.push(i / fps, frameFingerprint(f)));
  return { opened, all: integrity.all() };
}

beforeAll(() => {
  noisy = noisyFaceFrames(8);
});

describe('feed integrity', () => {
  it('raises nothing on a live-looking feed (every frame has its own noise)', () => {
    expect(noisy.length).toBe(96);
    expect(feed(noisy).all).toEqual([]);
  });

  it('raises a frozen feed when the same picture is held for 2 s', () => {
    const frozen = [...noisy.slice(0, 24), ...Array.from({ length: 36 }, () => noisy[24]!), ...noisy.slice(25, 40)];
    const { opened, all } = feed(frozen);
    expect(opened).toHaveLength(1);
    expect(all).toEqual([expect.objectContaining({ type: 'camera_integrity', severity: 'critical', start: 2, evidence: expect.objectContaining({ kind: 'frozen_feed', frames: 36 }) })]);
    expect(all[0]!.end).toBeCloseTo(59 / 12, 5);
  });

  it('raises a looping feed with its period when a 3 s clip plays again and again', () => {
    const clip = noisy.slice(0, 36);
    const { all } = feed([...clip, ...clip, ...clip]);
    expect(all).toHaveLength(1);
    expect(all[0]!.evidence).toMatchObject({ kind: 'looped_feed', periodSec: 3 });
    expect(all[0]!.start).toBe(3);
    expect(all[0]!.end).toBeCloseTo(107 / 12, 5);
    expect(all[0]!.evidence.repeatedFrames).toBe(72);
  });

  it('sees the loop when a slow page sends only some frames of each pass (3 a second, different ones each time)', () => {
    const clip = noisy.slice(0, 48); // 4 s at 12 fps
    const sampled: { t: number; f: Uint8Array }[] = [];
    // Three passes; each frame sent with a pseudo-random 1 in 4 chance, as a page dropping frames would.
    const chance = (i: number, pass: number) => (Math.imul(i * 131 + pass * 977 + 7, 2654435761) >>> 30) === 0;
    for (let pass = 0; pass < 3; pass += 1) clip.forEach((f, i) => (chance(i, pass) ? sampled.push({ t: pass * 4 + i / 12, f }) : undefined));
    expect(sampled.length).toBeLessThan(48);
    const integrity = new FeedIntegrity();
    for (const s of sampled) integrity.push(s.t, frameFingerprint(s.f));
    expect(integrity.all()[0]?.evidence).toMatchObject({ kind: 'looped_feed', periodSec: 4 });
  });

  it('gives the clip\'s length when some twins are two passes apart', () => {
    expect(loopPeriod([8.16, 4.05, 8.1])).toBeCloseTo(4.05, 5);
    expect(loopPeriod([8.16, 8.1, 8.05])).toBeCloseTo(8.1, 5);
    expect(loopPeriod([4, 5.5])).toBeUndefined();
  });

  it('sees the loop when the page samples a 15 fps clip at 12 fps (different frames each pass)', () => {
    const clip15 = noisy.slice(0, 45); // 3 s at 15 fps
    const source = [...clip15, ...clip15, ...clip15];
    const sampled: Uint8Array[] = [];
    for (let i = 0; i < (source.length * 12) / 15; i += 1) sampled.push(source[Math.floor((i * 15) / 12)]!);
    expect(feed(sampled).all[0]?.evidence).toMatchObject({ kind: 'looped_feed', periodSec: 3 });
  });
});
