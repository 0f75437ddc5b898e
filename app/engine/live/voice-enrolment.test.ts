import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../audio';
import { SpeechFixtures, TEXT } from '../audio/testing/speech-fixtures';
import { DEFAULT_VOICE_THRESHOLDS } from '../audio/thresholds';
import { openStore } from '../storage/store';
import { createLiveApi } from './live-api';
import { LiveAudio } from './live-audio';
import { VoiceEnrolment, pcm16FromBase64 } from './voice-enrolment';
import { processesOfThisTest } from '../signals/testing/own-processes';

/** The candidate and someone else: espeak-ng voices of clearly different timbre and pitch (see audio/README.md). */
const CANDIDATE = ['-v', 'en+m3', '-p', '30', '-s', '150'];
const SOMEONE_ELSE = ['-v', 'en+f4', '-p', '75', '-s', '160'];

const fx = new SpeechFixtures();
const speech = {} as Record<'enrol' | 'candidate' | 'other' | 'tooShort', Float32Array>;

beforeAll(async () => {
  speech.enrol = await decodeAudioFile(fx.speak('enrol.wav', CANDIDATE, TEXT.candidateEnrol));
  speech.candidate = await decodeAudioFile(fx.speak('candidate.wav', CANDIDATE, TEXT.candidate));
  speech.other = await decodeAudioFile(fx.speak('other.wav', SOMEONE_ELSE, TEXT.other));
  speech.tooShort = await decodeAudioFile(fx.speak('short.wav', CANDIDATE, 'Hello.'));
});

/** Samples as the candidate app sends them: 16-bit PCM, base64. */
function sentByApp(samples: Float32Array): string {
  const ints = Int16Array.from(samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
  return Buffer.from(ints.buffer).toString('base64');
}

/** Pushes samples in one-second chunks from session time `t0`, as the app does. */
async function listen(audio: LiveAudio, samples: Float32Array, t0: number): Promise<void> {
  for (let i = 0; i < samples.length; i += 16_000) await audio.push(t0 + i / 16_000, samples.subarray(i, i + 16_000));
}

function reasonsOf(alerts: { type: string; evidence: Record<string, unknown> }[]): string[] {
  return alerts.filter((a) => a.type === 'multiple_voices').flatMap((a) => a.evidence.reasons as string[]);
}

/** The voice windows behind the multiple_voices alerts, as their evidence lists them. */
function flaggedWindows(alerts: { type: string; evidence: Record<string, unknown> }[]): { start: number; end: number; foreignScore: number | null }[] {
  return alerts.filter((a) => a.type === 'multiple_voices').flatMap((a) => a.evidence.windows as { start: number; end: number; foreignScore: number | null }[]);
}

describe('enrolling the candidate voice before the session', () => {
  it('enrols a sentence read aloud, as the app sends it', async () => {
    const voice = new VoiceEnrolment();
    const answer = await voice.enrol(pcm16FromBase64(sentByApp(speech.enrol)));
    expect(answer).toMatchObject({ enrolled: true, neededSec: 3, reason: null });
    expect(answer.speechSec).toBeGreaterThanOrEqual(3);
    expect(voice.current.enrolment?.speechSec).toBeCloseTo(answer.speechSec, 1);
  });

  it('refuses too little speech saying how much it heard, and keeps that reason when the candidate goes on without', async () => {
    const voice = new VoiceEnrolment();
    const answer = await voice.enrol(speech.tooShort);
    expect(answer.enrolled).toBe(false);
    expect(answer.speechSec).toBeLessThan(3);
    expect(answer.reason).toMatch(/^not enough speech to enrol the candidate's voice: \d\.\d s heard, 3 s needed$/);
    expect(voice.current).toEqual({ enrolment: null, reason: answer.reason });
    expect(voice.skip().reason).toBe(`${answer.reason}; the candidate went on without it`);
  });

  it('says the step was skipped when the candidate went on without trying, and that none was made when never asked', () => {
    expect(new VoiceEnrolment().current).toEqual({ enrolment: null, reason: 'no voice enrolment was made before the session started' });
    const voice = new VoiceEnrolment();
    expect(voice.skip()).toEqual({ enrolled: false, reason: 'the candidate skipped the voice step' });
    expect(voice.current.enrolment).toBeNull();
  });

  it('refuses audio that is not whole 16-bit samples', () => {
    expect(() => pcm16FromBase64(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/audio is 3 bytes; 16-bit samples need an even count/);
  });
});

describe('the live microphone with and without the enrolled voice', () => {
  it('judges a voice that is not the enrolled candidate as someone else, and leaves the candidate alone', async () => {
    const voice = new VoiceEnrolment();
    await voice.enrol(speech.enrol);
    const audio = await LiveAudio.open(voice.current);
    expect(audio.voiceNote).toMatch(/^Voice enrolled: \d+\.\d s of the candidate's speech; speech is also judged as the candidate's or someone else's\.$/);
    // The candidate answers a question aloud from 10 s, then someone else speaks.
    await listen(audio, speech.candidate, 10);
    const otherFrom = 10 + speech.candidate.length / 16_000;
    await listen(audio, speech.other, otherFrom);
    const alerts = await audio.finish();
    const otherTo = otherFrom + speech.other.length / 16_000;
    const flagged = flaggedWindows(alerts);
    // Someone else is flagged: judged foreign in windows wholly inside their speech, over most of it.
    const foreign = flagged.filter((w) => w.start >= otherFrom && w.end <= otherTo && w.foreignScore !== null && w.foreignScore > DEFAULT_VOICE_THRESHOLDS.foreign);
    expect(foreign.reduce((sum, w) => sum + (w.end - w.start), 0)).toBeGreaterThanOrEqual((otherTo - otherFrom) / 2);
    expect(reasonsOf(alerts)).toContain('foreign_voice');
    // Nothing is flagged while only the candidate was speaking: every flagged window reaches into the other voice.
    expect(flagged.filter((w) => w.end <= otherFrom)).toEqual([]);
  });

  it('leaves the enrolled candidate alone while only they speak', async () => {
    const voice = new VoiceEnrolment();
    await voice.enrol(speech.enrol);
    const audio = await LiveAudio.open(voice.current);
    await listen(audio, speech.candidate, 10);
    const alerts = await audio.finish();
    expect(alerts.map((a) => a.type)).toEqual(['speech']);
  });

  it('without an enrolment cannot tell that a lone voice is not the candidate, and the note says so', async () => {
    const audio = await LiveAudio.open();
    expect(audio.voiceNote).toBe(
      'Voice not enrolled: no voice enrolment was made before the session started. More than one voice is still looked for, but not whether a voice is someone other than the candidate.',
    );
    await listen(audio, speech.other, 10);
    expect(reasonsOf(await audio.finish())).not.toContain('foreign_voice');
  });

  it('flags the same lone voice as someone else once the candidate is enrolled', async () => {
    const voice = new VoiceEnrolment();
    await voice.enrol(speech.enrol);
    const audio = await LiveAudio.open(voice.current);
    await listen(audio, speech.other, 10);
    expect(reasonsOf(await audio.finish())).toContain('foreign_voice');
  });
});

describe('voice.enrol and voice.skip in the engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-voice-'));
  const policy = { detectors: { face: false, identity: false, audio: true } };
  const liveApi = (name: string) => createLiveApi({ store: openStore(join(dir, `${name}.db`)), env: { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', VIGIL_HOME: join(dir, name) } , listProcesses: processesOfThisTest });

  /** A session where someone else speaks after the start; returns the finished report's notes and alert types. */
  async function sessionWithSomeoneElse(api: ReturnType<typeof createLiveApi>) {
    await api['policy.parse']({ text: JSON.stringify(policy), source: 'exam.json' });
    const { sessionId } = await api['session.start']({});
    for (let i = 0; i < speech.other.length; i += 16_000) await api['session.audio']({ sessionId, t: 2 + i / 16_000, samples: sentByApp(speech.other.subarray(i, i + 16_000)) });
    return api['session.finish']({ sessionId });
  }

  it('notes the enrolled voice in the report of the session started after it, and raises someone else speaking', async () => {
    const api = liveApi('enrolled');
    expect(await api['voice.enrol']({ samples: sentByApp(speech.enrol) })).toMatchObject({ enrolled: true });
    const report = await sessionWithSomeoneElse(api);
    expect(report.notes.filter((n) => n.startsWith('Voice '))).toEqual([expect.stringMatching(/^Voice enrolled: \d+\.\d s of the candidate's speech/)]);
    expect(report.alerts.map((a) => a.type)).toContain('multiple_voices');
  });

  it('notes why the voice was not enrolled when the candidate skipped after too little speech', async () => {
    const api = liveApi('skipped');
    expect(await api['voice.enrol']({ samples: sentByApp(speech.tooShort) })).toMatchObject({ enrolled: false });
    expect((await api['voice.skip']({})).reason).toMatch(/the candidate went on without it$/);
    const report = await sessionWithSomeoneElse(api);
    expect(report.notes.filter((n) => n.startsWith('Voice '))).toEqual([expect.stringMatching(/^Voice not enrolled: not enough speech to enrol the candidate's voice: \d\.\d s heard, 3 s needed; the candidate went on without it\. /)]);
    expect(report.alerts.map((a) => a.type)).not.toContain('multiple_voices');
  });
});
