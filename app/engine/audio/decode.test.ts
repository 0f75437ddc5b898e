import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AudioInputError, decodeAudioFile } from './decode';
import { SpeechFixtures } from './testing/speech-fixtures';

const fx = new SpeechFixtures();

describe('decodeAudioFile', () => {
  it('resamples a 44.1 kHz stereo file to 16 kHz mono of the same duration', async () => {
    const path = fx.sox('tone.wav', '-n', '-r', '44100', '-c', '2', '$OUT', 'synth', '1.5', 'sine', '440');
    const samples = await decodeAudioFile(path);
    expect(samples.length).toBeGreaterThan(16000 * 1.5 - 200);
    expect(samples.length).toBeLessThan(16000 * 1.5 + 200);
    expect(Math.max(...samples.subarray(1000, 2000))).toBeGreaterThan(0.5);
  });

  it('reads the sound track of a video', async () => {
    const video = fx.path('clip.mp4');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10:duration=1', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=1', '-shortest', '-y', video]);
    const samples = await decodeAudioFile(video);
    expect(samples.length).toBeGreaterThan(15000);
  });

  it('rejects a missing file, naming it', async () => {
    await expect(decodeAudioFile(fx.path('nope.wav'))).rejects.toThrow(new AudioInputError(fx.path('nope.wav'), 'no such file'));
  });

  it('rejects a corrupt file with one line that names it', async () => {
    const path = fx.path('corrupt.wav');
    writeFileSync(path, Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunk-not-audio'.repeat(20)));
    const error = await decodeAudioFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioInputError);
    expect((error as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be decoded`));
    expect((error as Error).message).not.toContain('\n');
  });

  it('says when a video has no audio track', async () => {
    const video = fx.path('silent-video.mp4');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10:duration=1', '-y', video]);
    await expect(decodeAudioFile(video)).rejects.toThrow(`${video}: has no audio track`);
  });
});
