/**
 * The one entry point the session engine calls: `analyzeAudio(file or samples)` ->
 * { durationSec, segments, windows, alerts, perSecond, track }. Files go through ffmpeg (decode.ts); samples
 * must already be 16 kHz mono. The same AudioAnalyzer serves live capture.
 */
import { AudioAnalyzer, CHUNK_SEC, DEFAULT_ANALYZER } from './analyzer';
import { DEFAULT_ALERTS, speechAlerts, voiceAlerts, type AlertOptions, type AudioAlert } from './alerts';
import { decodeAudioFile } from './decode';
import { enrolVoice } from './enrol';
import { perSecond, type AudioSecond, type SpeechTrack } from './features';
import type { HysteresisOptions, SpeechSegment } from './hysteresis';
import { SAMPLE_RATE } from './pcm';
import type { VoiceThresholds } from './thresholds';
import { SileroVad } from './vad';
import type { Enrolment, VoiceWindow } from './voices';

export interface AnalyzeAudioOptions {
  /** The candidate's voice: an enrolment, or speech (samples or a file) to enrol from. */
  readonly enrolment?: Enrolment | Float32Array | string | null;
  /** Session-clock time of the first sample (default 0). */
  readonly t0?: number;
  readonly hysteresis?: HysteresisOptions;
  readonly thresholds?: VoiceThresholds;
  readonly alerts?: AlertOptions;
  /** A loaded VAD to reuse across calls (the model loads in ~50 ms, but batch jobs call this many times). */
  readonly vad?: SileroVad;
  /** Called with seconds analysed so far, for a progress bar. */
  readonly onProgress?: (doneSec: number, totalSec: number) => void;
}

export interface AudioAnalysis {
  readonly durationSec: number;
  readonly segments: readonly SpeechSegment[];
  readonly windows: readonly VoiceWindow[];
  readonly alerts: readonly AudioAlert[];
  readonly perSecond: readonly AudioSecond[];
  readonly track: SpeechTrack;
  readonly enrolled: boolean;
}

export async function analyzeAudio(input: string | Float32Array, options: AnalyzeAudioOptions = {}): Promise<AudioAnalysis> {
  // The VAD model loads while ffmpeg decodes (about 20 of 100 ms on a 15 s clip).
  const loading = options.vad ? Promise.resolve(options.vad) : SileroVad.load();
  let samples: Float32Array;
  try {
    samples = typeof input === 'string' ? await decodeAudioFile(input) : input;
  } catch (error) {
    if (!options.vad) await loading.then((vad) => vad.release(), () => undefined);
    throw error;
  }
  const vad = await loading;
  try {
    const enrolment = await resolveEnrolment(options.enrolment ?? null, vad);
    const thresholds = options.thresholds ?? DEFAULT_ANALYZER.thresholds;
    const t0 = options.t0 ?? 0;
    const analyzer = new AudioAnalyzer(vad, { enrolment, t0, thresholds, hysteresis: options.hysteresis ?? DEFAULT_ANALYZER.hysteresis });
    const durationSec = samples.length / SAMPLE_RATE;
    const step = SAMPLE_RATE * 10;
    for (let i = 0; i < samples.length; i += step) {
      await analyzer.push(samples.subarray(i, i + step));
      options.onProgress?.(Math.min(samples.length, i + step) / SAMPLE_RATE, durationSec);
    }
    await analyzer.finish();
    const track: SpeechTrack = { t0, dt: CHUNK_SEC, values: analyzer.probs };
    const alerts = [...speechAlerts(analyzer.segments, options.alerts ?? DEFAULT_ALERTS), ...voiceAlerts(analyzer.windows, thresholds)].sort((a, b) => a.start - b.start);
    return {
      durationSec,
      segments: analyzer.segments,
      windows: analyzer.windows,
      alerts,
      perSecond: perSecond(track, analyzer.segments, analyzer.windows, durationSec),
      track,
      enrolled: enrolment !== null,
    };
  } finally {
    if (!options.vad) await vad.release();
  }
}

async function resolveEnrolment(value: Enrolment | Float32Array | string | null, vad: SileroVad): Promise<Enrolment | null> {
  if (value === null) return null;
  if (typeof value === 'string') return enrolVoice(await decodeAudioFile(value), vad);
  if (value instanceof Float32Array) return enrolVoice(value, vad);
  return value;
}
