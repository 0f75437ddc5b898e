/**
 * Temporal liveness in a session (live or a recorded file): the vision pipeline's evidence frames (once a second)
 * go into the streaming mode; every 12 frames it answers, and the windows it scored become `spoof_suspected`
 * alerts where they are confident attacks (live score below the model's threshold and confidence at least its
 * `confidentAbove`): consecutive such windows are one alert with their scores as evidence. The per-frame anti-spoof
 * and liveness CNNs alone no longer raise the alert (`vigil eval vision`: they call 98.6 % of printed photos live).
 */
import type { Alert } from '../rules/alert';
import { LivenessModel } from './model';
import { LivenessStream, type StreamAnswer } from './scorer';
import type { WindowScore } from './windows';

export interface LivenessReport {
  readonly score: number | null;
  readonly confidence: number | null;
  readonly variance: number | null;
  readonly stability: number | null;
  readonly windows: number;
  readonly threshold: number;
  readonly verdict: 'live' | 'spoof' | 'undecided';
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

let shared: Promise<LivenessModel | Error> | undefined;

/** The shipped model, loaded once per process; a failure is kept with its reason. */
export function loadDefaultLivenessModel(): Promise<LivenessModel | Error> {
  shared ??= LivenessModel.load().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  return shared;
}

/** A monitor on the shipped model, or null (with the reason) when it cannot load. */
export async function openLivenessMonitor(onAnswer?: (answer: StreamAnswer, spoof: boolean) => void): Promise<{ monitor: LivenessMonitor | null; reason: string | null }> {
  const model = await loadDefaultLivenessModel();
  return model instanceof Error ? { monitor: null, reason: model.message } : { monitor: new LivenessMonitor(model, onAnswer), reason: null };
}

export class LivenessMonitor {
  private pushed = 0;

  private readonly stream: LivenessStream;
  private readonly scored: WindowScore[] = [];
  private last: StreamAnswer | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  constructor(
    readonly model: LivenessModel,
    private readonly onAnswer?: (answer: StreamAnswer, spoof: boolean) => void,
  ) {
    this.stream = new LivenessStream(model);
  }

  /** One evidence frame; scored in order behind the ones before it (call `settle` before reading results). */
  push(evidence: Float32Array, t: number): void {
    this.pushed++;
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        const answer = await this.stream.push(evidence, t);
        if (!answer) return;
        this.last = answer;
        this.scored.push(...answer.newWindows);
        this.onAnswer?.(answer, answer.newWindows.some((w) => this.isConfidentAttack(w)));
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    });
  }

  async settle(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  private isConfidentAttack(w: WindowScore): boolean {
    return w.score < this.model.threshold && w.confidence >= this.model.metadata.confidentAbove;
  }

  windows(): readonly WindowScore[] {
    return this.scored;
  }

  alerts(): Alert[] {
    const alerts: Alert[] = [];
    let run: WindowScore[] = [];
    const close = () => {
      if (run.length === 0) return;
      const confidence = r3(run.reduce((a, w) => a + w.confidence, 0) / run.length);
      alerts.push({
        type: 'spoof_suspected',
        start: run[0]!.start,
        end: run.at(-1)!.end,
        severity: 'critical',
        confidence,
        evidence: {
          windows: run.length,
          windowScores: run.map((w) => ({ start: w.start, end: w.end, liveScore: r3(w.score), confidence: r3(w.confidence) })),
          threshold: r3(this.model.threshold),
          rule: `temporal liveness: live score < ${r3(this.model.threshold)} with confidence >= ${this.model.metadata.confidentAbove} on 12-frame windows`,
        },
      });
      run = [];
    };
    for (const w of this.scored) {
      if (this.isConfidentAttack(w) && (run.length === 0 || w.first <= run.at(-1)!.last + 1)) run.push(w);
      else {
        close();
        if (this.isConfidentAttack(w)) run.push(w);
      }
    }
    close();
    return alerts;
  }

  report(): LivenessReport {
    const a = this.last;
    const threshold = r3(this.model.threshold);
    if (!a) return { score: null, confidence: null, variance: null, stability: null, windows: 0, threshold, verdict: 'undecided' };
    return { score: r3(a.score), confidence: r3(a.confidence), variance: r3(a.variance), stability: r3(a.stability), windows: a.windows, threshold, verdict: a.score >= this.model.threshold ? 'live' : 'spoof' };
  }

  /** One line for the report: the passive liveness verdict so far, or why there is none yet. */
  describe(what: string): string {
    const r = this.report();
    if (r.score === null) return `${what}: ${this.pushed} liveness frame(s), fewer than the 12 a window needs: no verdict.`;
    return `${what}: live score ${r.score.toFixed(2)} (threshold ${r.threshold.toFixed(2)}, confidence ${r.confidence!.toFixed(2)}) over ${r.windows} window(s) of 12 frames: ${r.verdict === 'live' ? 'looks live' : 'looks like a printed or replayed face'}.`;
  }

  /** Window live scores at their last frame's time, for the report's timeline. */
  timeline(): { t: number; score: number }[] {
    return this.scored.map((w) => ({ t: w.end, score: w.score }));
  }
}
