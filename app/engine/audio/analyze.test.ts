import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio } from './analyze';
import { decodeAudioFile } from './decode';
import { EnrolmentError, enrolVoice, enrolmentFromJson, enrolmentToJson } from './enrol';
import { audioFeaturesAt } from './features';
import { SpeechFixtures, TEXT, VOICE_A, VOICE_B } from './testing/speech-fixtures';
import { SileroVad } from './vad';
import type { Enrolment } from './voices';

const fx = new SpeechFixtures();
let vad: SileroVad;
let enrolment: Enrolment;
const files = {} as Record<'candidate' | 'other' | 'overlap' | 'turns' | 'silence' | 'noise' | 'late' | 'candidate44k', string>;

beforeAll(async () => {
  vad = await SileroVad.load();
  const enrol = fx.speak('enrol.wav', VOICE_A, TEXT.candidateEnrol);
  files.candidate = fx.speak('candidate.wav', VOICE_A, TEXT.candidate);
  files.other = fx.speak('other.wav', VOICE_B, TEXT.other);
  files.overlap = fx.mix('overlap.wav', files.candidate, files.other);
  files.turns = fx.concat('turns.wav', files.candidate, files.other);
  files.silence = fx.silence('silence.wav', 6);
  files.noise = fx.noise('noise.wav', 6);
  // Speech starting at 4 s, after silence: the segment must sit at 4 s on the clock.
  files.late = fx.concat('late.wav', fx.silence('pad.wav', 4, 22050), files.candidate);
  files.candidate44k = fx.sox('candidate44k.wav', files.candidate, '-r', '44100', '-c', '2', '$OUT');
  enrolment = await enrolVoice(await decodeAudioFile(enrol), vad);
});

afterAll(async () => {
  await vad?.release();
});

describe('analyzeAudio', () => {
  it('finds the spoken sentence as speech, on the session clock', async () => {
    const result = await analyzeAudio(files.late, { vad });
    expect(result.segments).toHaveLength(1);
    expect(result.segments[0]!.start).toBeGreaterThan(3.5);
    expect(result.segments[0]!.start).toBeLessThan(4.3);
    expect(result.segments[0]!.end).toBeGreaterThan(result.durationSec - 1.5);
    expect(result.segments[0]!.meanProb).toBeGreaterThan(0.6);
  });

  it('offsets everything by t0 when the audio starts later in the session', async () => {
    const result = await analyzeAudio(files.late, { vad, t0: 100 });
    expect(result.segments[0]!.start).toBeGreaterThan(103.5);
    expect(result.alerts[0]!.start).toBeGreaterThan(103.5);
    expect(result.perSecond[0]!.t).toBe(100);
  });

  it('finds no speech in silence or in noise, and raises nothing', async () => {
    for (const path of [files.silence, files.noise]) {
      const result = await analyzeAudio(path, { vad });
      expect(result.segments).toEqual([]);
      expect(result.alerts).toEqual([]);
      expect(result.windows.every((w) => w.voices === 0)).toBe(true);
    }
  });

  it('raises a speech alert with times and probabilities as evidence', async () => {
    const result = await analyzeAudio(files.candidate, { vad });
    const speech = result.alerts.filter((a) => a.type === 'speech');
    expect(speech).toHaveLength(1);
    expect(speech[0]).toMatchObject({ type: 'speech', start: expect.any(Number), end: expect.any(Number), severity: 'warning' });
    expect(speech[0]!.confidence).toBeGreaterThan(0.5);
    expect(speech[0]!.evidence).toMatchObject({ meanProb: expect.any(Number), maxProb: expect.any(Number), speechSec: expect.any(Number) });
  });

  it('analyses a 44.1 kHz stereo file like the 16 kHz original (resampled, not refused)', async () => {
    const original = await analyzeAudio(files.candidate, { vad });
    const resampled = await analyzeAudio(files.candidate44k, { vad });
    expect(resampled.segments).toHaveLength(original.segments.length);
    expect(resampled.segments[0]!.start).toBeCloseTo(original.segments[0]!.start, 0);
    expect(resampled.segments[0]!.end).toBeCloseTo(original.segments[0]!.end, 0);
  });

  it('hears one voice, the candidate, when the enrolled candidate speaks alone', async () => {
    const result = await analyzeAudio(files.candidate, { vad, enrolment });
    const speaking = result.windows.filter((w) => w.voices > 0);
    expect(speaking.length).toBeGreaterThan(0);
    expect(speaking.every((w) => w.voices === 1 && w.foreign !== true)).toBe(true);
    expect(result.alerts.filter((a) => a.type === 'multiple_voices')).toEqual([]);
  });

  it('knows another voice is not the candidate, and says so with a critical multiple_voices alert', async () => {
    const result = await analyzeAudio(files.other, { vad, enrolment });
    expect(result.windows.filter((w) => w.foreign !== null).every((w) => w.foreign === true)).toBe(true);
    const alerts = result.alerts.filter((a) => a.type === 'multiple_voices');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', evidence: { reasons: expect.arrayContaining(['foreign_voice']) } });
    expect(alerts[0]!.confidence).toBeGreaterThan(0.5);
  });

  it('flags the window where a second voice answers the candidate', async () => {
    const result = await analyzeAudio(files.turns, { vad, enrolment });
    const candidateEnd = (await decodeAudioFile(files.candidate)).length / 16000;
    const flagged = result.windows.filter((w) => w.voices === 2 || w.foreign === true);
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((w) => w.end > candidateEnd - 0.5)).toBe(true);
    expect(result.windows.filter((w) => w.end <= candidateEnd - 0.5).every((w) => w.voices <= 1 && w.foreign !== true)).toBe(true);
  });

  it('flags two voices speaking at once (overlap) when the candidate is enrolled', async () => {
    const result = await analyzeAudio(files.overlap, { vad, enrolment });
    expect(result.alerts.some((a) => a.type === 'multiple_voices')).toBe(true);
  });

  it('gives each frame time the speech probability and the voices of its window', async () => {
    const result = await analyzeAudio(files.late, { vad });
    expect(audioFeaturesAt(result.track, result.windows, 1).speech_prob).toBeLessThan(0.2);
    expect(audioFeaturesAt(result.track, result.windows, 1).voices).toBe(0);
    const inSpeech = result.segments[0]!.start + 1;
    expect(result.perSecond.find((s) => s.t === Math.floor(inSpeech))!.speech).toBeGreaterThan(0.5);
    expect(audioFeaturesAt(result.track, result.windows, 9999)).toEqual({ speech_prob: null, voices: null });
  });
});

describe('enrolment', () => {
  it('refuses too little speech, saying how much it heard and needs', async () => {
    const short = fx.speak('short.wav', VOICE_A, 'Hello.');
    await expect(enrolVoice(await decodeAudioFile(short), vad)).rejects.toThrow(EnrolmentError);
    await expect(enrolVoice(await decodeAudioFile(short), vad)).rejects.toThrow(/not enough speech to enrol the candidate's voice: \d\.\d s heard, 3 s needed/);
  });

  it('survives a round trip through JSON and rejects a damaged one', () => {
    const back = enrolmentFromJson(JSON.parse(JSON.stringify(enrolmentToJson(enrolment))));
    expect(back.stats.n).toBe(enrolment.stats.n);
    expect(Array.from(back.stats.sum)).toEqual(Array.from(enrolment.stats.sum));
    expect(() => enrolmentFromJson({ version: 1, speechSec: 3, stats: { n: 10, sum: [1, 2], sumSq: [1, 2] } })).toThrow();
  });
});
