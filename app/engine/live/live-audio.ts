/**
 * The live session's microphone, when the candidate app sends it (the main process cannot capture it in every
 * shell): 16 kHz mono chunks on the session clock through the engine's streaming audio pipeline (Silero VAD,
 * speech segments, voice windows). Speech raises a warning as soon as its segment closes; at the end the same
 * speech and voice alerts as a recorded file go into the report.
 */
import { AudioAnalyzer, SileroVad, type SpeechSegment } from '../audio';
import { DEFAULT_ALERTS, speechAlerts, voiceAlerts } from '../audio/alerts';
import type { Alert } from '../rules/alert';

/** Samples missing for longer than this (a dropped chunk, a stalled page) restart the pipeline at the new time. */
const GAP_SEC = 0.5;

export class LiveAudio {
  private analyzer: AudioAnalyzer | undefined;
  private readonly fresh: SpeechSegment[] = [];
  private seconds = 0;

  private constructor(private readonly vad: SileroVad) {}

  static async open(): Promise<LiveAudio> {
    return new LiveAudio(await SileroVad.load());
  }

  /** Seconds of audio received. */
  get received(): number {
    return this.seconds;
  }

  /** Pushes a chunk starting at session time `t`; returns the speech alerts of segments that closed meanwhile. */
  async push(t: number, samples: Float32Array): Promise<Alert[]> {
    if (!this.analyzer) this.analyzer = new AudioAnalyzer(this.vad, { t0: t }, { segment: (s) => this.fresh.push(s) });
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
