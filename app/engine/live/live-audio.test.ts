import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveAudio } from './live-audio';

const dir = mkdtempSync(join(tmpdir(), 'vigil-live-audio-'));

/** espeak-ng speech after 2 s of silence, as 16 kHz mono float samples (what the candidate app sends). */
function speech(): Float32Array {
  const wav = join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-w', wav, 'Can you tell me the answer to question four? I think it is forty two.']);
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', wav, '-af', 'adelay=2000,apad=pad_dur=2', '-ar', '16000', '-ac', '1', '-f', 's16le', 'pipe:1']);
  const ints = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
  return Float32Array.from(ints, (v) => v / 32768);
}

describe('live microphone', () => {
  it('raises speech as soon as the spoken segment closes, and reports it at the end', async () => {
    const samples = speech();
    const audio = await LiveAudio.open();
    const live: string[] = [];
    // One-second chunks from session time 10 s, as the app sends them.
    for (let i = 0; i < samples.length; i += 16_000) {
      const alerts = await audio.push(10 + i / 16_000, samples.subarray(i, i + 16_000));
      live.push(...alerts.map((a) => `${a.type}@${a.start.toFixed(1)}`));
    }
    expect(live).toHaveLength(1);
    expect(live[0]).toMatch(/^speech@1[12]\.\d$/);
    const final = await audio.finish();
    expect(final.map((a) => a.type)).toEqual(['speech']);
    expect(audio.received).toBeCloseTo(samples.length / 16_000, 3);
  });

  it('hears nothing in silence', async () => {
    const audio = await LiveAudio.open();
    for (let i = 0; i < 5; i += 1) expect(await audio.push(i, new Float32Array(16_000))).toEqual([]);
    expect(await audio.finish()).toEqual([]);
  });
});
