/**
 * The live session's microphone, when the candidate app sends it (the main process cannot capture it in every
 * shell): 16 kHz mono chunks on the session clock through the engine's streaming audio pipeline (Silero VAD,
 * speech segments, voice windows). Speech raises a warning as soon as its segment closes; at the end the same
 * speech and voice alerts as a recorded file go into the report. With the candidate's voice enrolled before the
 * session (voice-enrolment.ts), each voice window is also judged against it: someone other than the candidate.
 */
import { AudioAnalyzer, SileroVad, type Enrolment, type SpeechSegment } from '../audio';
import { DEFAULT_ALERTS, speechAlerts, voiceAlerts } from '../audio/alerts';
import type { Alert } from '../rules/alert';

/** Samples missing for longer than this (a dropped chunk, a stalled page) restart the pipeline at the new time. */
const GAP_SEC = 0.5;

/** The candidate's voice for a session: enrolled, or the reason it is not (the report says which). */
export type CandidateVoice = { readonly enrolment: Enrolment } | { readonly enrolment: null; readonly reason: string };

export const NO_VOICE_STEP = { enrolment: null, reason: 'no voice enrolment was made before the session started' } satisfies CandidateVoice;

export class LiveAudio {
  private analyzer: AudioAnalyzer | undefined;
  private readonly fresh: SpeechSegment[] = [];
  private seconds = 0;

  private constructor(
    private readonly vad: SileroVad,
    readonly voice: CandidateVoice,
  ) {}

  static async open(voice: CandidateVoice = NO_VOICE_STEP): Promise<LiveAudio> {
    return new LiveAudio(await SileroVad.load(), voice);
  }

  /** The report's line on the candidate's voice: enrolled (and what that adds), or why not. */
  get voiceNote(): string {
    const { voice } = this;
    if (voice.enrolment) return `Voice enrolled: ${voice.enrolment.speechSec.toFixed(1)} s of the candidate's speech; speech is also judged as the candidate's or someone else's.`;
    return `Voice not enrolled: ${voice.reason}. More than one voice is still looked for, but not whether a voice is someone other than the candidate.`;
  }

  /** Seconds of audio received. */
  get received(): number {
    return this.seconds;
  }

  /** Pushes a chunk starting at session time `t`; returns the speech alerts of segments that closed meanwhile. */
  async push(t: number, samples: Float32Array): Promise<Alert[]> {
    if (!this.analyzer) this.analyzer = new AudioAnalyzer(this.vad, { t0: t, enrolment: this.voice.enrolment }, { segment: (s) => this.fresh.push(s) });
    else if (t > this.analyzer.now + GAP_SEC) await this.analyzer.resumeAt(t);
    await this.analyzer.push(samples);
    this.seconds += samples.length / 16_000;
    const closed = this.fresh.splice(0);
    return speechAlerts(closed, DEFAULT_ALERTS).map((a) => ({ ...a, evidence: { ...a.evidence } }));
  }

  /** Closes open segments and windows; every speech and voice alert of the session. */
  async finish(): Promise<Alert[]> {
    try {
      if (!this.analyzer) return [];
      await this.analyzer.finish();
      return [...speechAlerts(this.analyzer.segments, DEFAULT_ALERTS), ...voiceAlerts(this.analyzer.windows, this.analyzer.options.thresholds)].map((a) => ({ ...a, evidence: { ...a.evidence } }));
    } finally {
      await this.vad.release();
    }
  }
}
