import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeMedia } from './probe';

const dir = mkdtempSync(join(tmpdir(), 'vigil-probe-'));
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

describe('probeMedia', () => {
  it('reads duration, video and audio of a clip made by ffmpeg', async () => {
    const clip = join(dir, 'clip.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=24:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip);
    const info = await probeMedia(clip);
    expect(info.durationSec).toBeCloseTo(3, 0);
    expect(info.video).toMatchObject({ width: 320, height: 240, fps: 24 });
    expect(info.audio?.sampleRate).toBeGreaterThan(0);
  });

  it('reads a video without audio and audio without video', async () => {
    const silent = join(dir, 'silent.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', silent);
    expect((await probeMedia(silent)).audio).toBeNull();
    const wav = join(dir, 'tone.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=300:duration=2', '-ar', '16000', wav);
    expect(await probeMedia(wav)).toMatchObject({ video: null, audio: { sampleRate: 16000, channels: 1 } });
  });

  it('names the file and the problem for missing, empty and non-media files', async () => {
    await expect(probeMedia(join(dir, 'nope.mp4'))).rejects.toThrow(/nope\.mp4: cannot read \(ENOENT\)/);
    writeFileSync(join(dir, 'empty.mp4'), '');
    await expect(probeMedia(join(dir, 'empty.mp4'))).rejects.toThrow(/empty\.mp4: the file is empty/);
    writeFileSync(join(dir, 'notes.mp4'), 'these are not frames'.repeat(100));
    await expect(probeMedia(join(dir, 'notes.mp4'))).rejects.toThrow(/notes\.mp4: not a readable media file/);
  });
});
