import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio } from '../analyze';
import { AudioAnalyzer } from '../analyzer';
import { decodeAudioFile } from '../decode';
import { SpeechFixtures, TEXT, VOICE_A } from '../testing/speech-fixtures';
import { SileroVad } from '../vad';
import { CaptureSession } from './capture-session';
import { FileAudioSource } from './file-source';
import { NoInputDeviceError, chooseInputDevice, type AudioDevice } from './source';

const fx = new SpeechFixtures();
let vad: SileroVad;
let speech: string;

beforeAll(async () => {
  vad = await SileroVad.load();
  speech = fx.concat('speech.wav', fx.silence('lead.wav', 1, 22050), fx.speak('s.wav', VOICE_A, TEXT.candidate));
});
afterAll(async () => {
  await vad?.release();
});

describe('capture through the AudioSource port', () => {
  it('gives the same segments from a file source in chunks as from the whole file', async () => {
    const whole = await analyzeAudio(speech, { vad });
    const session = new CaptureSession(new AudioAnalyzer(vad));
    await new FileAudioSource(speech, { chunkSec: 0.05 }).start(session);
    await session.finish();
    const streamed = (session as unknown as { analyzer: AudioAnalyzer }).analyzer;
    expect(streamed.segments.map((s) => [s.start, s.end])).toEqual(whole.segments.map((s) => [s.start, s.end]));
    expect(session.errors).toEqual([]);
  });

  it('keeps mic_lost and mic_back with their times and resumes the clock after the gap', async () => {
    const samples = await decodeAudioFile(speech);
    const analyzer = new AudioAnalyzer(vad);
    const seen: string[] = [];
    const session = new CaptureSession(analyzer, (e) => seen.push(`${e.type}@${e.t}`));
    session.chunk({ t: 0, samples: samples.subarray(0, 16000 * 2) });
    session.event({ type: 'mic_lost', t: 2, device: 'USB mic', reason: 'no data for 1 s' });
    session.event({ type: 'mic_back', t: 30, device: 'USB mic' });
    session.chunk({ t: 30, samples: samples.subarray(16000 * 2) });
    await session.finish();
    expect(seen).toEqual(['mic_lost@2', 'mic_back@30']);
    expect(session.errors).toEqual([]);
    // Nothing is invented for the gap: no window between 3 s and 30 s, and speech after the gap sits after 30 s.
    expect(analyzer.windows.some((w) => w.start >= 3 && w.end <= 30)).toBe(false);
    expect(analyzer.segments.at(-1)!.start).toBeGreaterThanOrEqual(30);
  });

  it('reports an unreadable file when the source starts', async () => {
    await expect(new FileAudioSource(fx.path('missing.wav')).start(new CaptureSession(new AudioAnalyzer(vad)))).rejects.toThrow(/missing\.wav: no such file/);
  });
});

describe('chooseInputDevice', () => {
  const device = (id: number, name: string, inputs: number, isDefault = false): AudioDevice => ({ id, name, hostApi: 'ALSA', maxInputChannels: inputs, defaultSampleRate: 48000, isDefault });
  const devices = [device(0, 'HDMI output', 0), device(1, 'USB Microphone', 1), device(2, 'pulse', 32, true)];

  it('takes the default input when none is asked for', () => {
    expect(chooseInputDevice(devices).name).toBe('pulse');
  });

  it('finds a device by id or by part of its name', () => {
    expect(chooseInputDevice(devices, 1).name).toBe('USB Microphone');
    expect(chooseInputDevice(devices, 'usb').id).toBe(1);
  });

  it('says clearly when there is no input device, or none matching, listing the inputs', () => {
    expect(() => chooseInputDevice([device(0, 'HDMI output', 0)])).toThrow(NoInputDeviceError);
    expect(() => chooseInputDevice([])).toThrow('microphone: no input device found');
    expect(() => chooseInputDevice(devices, 'webcam')).toThrow('microphone: no input device matches "webcam"; inputs: 1 USB Microphone, 2 pulse');
  });
});
