/**
 * Inference both ways the seed has them, on the same windows and the same sums:
 * - file mode (`scoreSequence`): every window of 12 evidence frames at stride 6 of a whole sequence -> the
 *   sequence's score, confidence, window scores, variance and temporal stability;
 * - streaming mode (`LivenessStream`): frames pushed one at a time; every 12th frame it scores the windows that
 *   have become complete and answers with the running score, confidence and variance over every window so far,
 *   which are the file mode's figures on the frames pushed so far (liveness-stream.test.ts checks it).
 * Options measured against the transformer alone in `vigil eval liveness`: the seed's ensemble (0.4 x the mean
 * per-frame anti-spoof CNN score + 0.6 x the transformer) and cascade (the CNN's mean alone when it is sure, i.e.
 * below 0.2 or above 0.8, else the transformer).
 */
import type { LivenessModel, WindowOutput } from './model';
import { EVIDENCE_DIM } from './evidence';
import { STRIDE, WINDOW, WindowTally, aggregateWindows, framesOf, stackWindows, windowStarts, type LivenessSummary, type WindowScore } from './windows';

export type Combination = 'transformer' | 'ensemble' | 'cascade';

export interface SequenceResult extends LivenessSummary {
  readonly windowScores: WindowScore[];
}

/** Mean anti-spoof CNN score over a window's frames (evidence value 0), NaN frames left out. */
function cnnMean(rows: readonly Float32Array[], frames: readonly number[]): number | null {
  const v = frames.map((f) => rows[f]![0]!).filter((x) => !Number.isNaN(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

export function combine(how: Combination, transformer: WindowOutput, cnn: number | null): WindowOutput {
  if (how === 'transformer' || cnn === null) return transformer;
  const score = how === 'ensemble' ? 0.4 * cnn + 0.6 * transformer.score : cnn < 0.2 || cnn > 0.8 ? cnn : transformer.score;
  return { score, confidence: Math.abs(2 * score - 1) };
}

/** File mode: `rows` are a sequence's evidence frames in order, `times` their seconds (defaults to the index). */
export async function scoreSequence(model: LivenessModel, rows: readonly Float32Array[], times?: readonly number[], how: Combination = 'transformer'): Promise<SequenceResult | null> {
  const starts = windowStarts(rows.length);
  const outputs = await model.scoreWindows(stackWindows(rows, starts.map(framesOf)), starts.length);
  const windowScores = starts.map((s, i) => {
    const w = combine(how, outputs[i]!, cnnMean(rows, framesOf(s)));
    return { first: s, last: s + WINDOW - 1, start: times?.[s] ?? s, end: times?.[s + WINDOW - 1] ?? s + WINDOW - 1, score: w.score, confidence: w.confidence };
  });
  const summary = aggregateWindows(windowScores);
  return summary ? { ...summary, windowScores } : null;
}

export interface StreamAnswer extends LivenessSummary {
  /** Frames pushed so far (a multiple of 12). */
  readonly frames: number;
  /** The windows scored for this answer (those completed since the last one). */
  readonly newWindows: WindowScore[];
}

/**
 * Streaming mode. Keeps only the frames the next windows need (the last 18) and running sums, so a session of any
 * length costs the same memory.
 */
export class LivenessStream {
  private readonly rows: Float32Array[] = [];
  private readonly times: number[] = [];
  /** Index (in the whole stream) of rows[0]. */
  private offset = 0;
  private count = 0;
  private nextStart = 0;
  private readonly tally = new WindowTally();

  constructor(
    private readonly model: LivenessModel,
    private readonly how: Combination = 'transformer',
  ) {}

  /** One evidence frame (EVIDENCE_DIM values) at session time `t`; an answer on every 12th frame, else null. */
  async push(evidence: Float32Array, t: number): Promise<StreamAnswer | null> {
    if (evidence.length !== EVIDENCE_DIM) throw new Error(`liveness evidence has ${evidence.length} values, expected ${EVIDENCE_DIM}`);
    this.rows.push(evidence);
    this.times.push(t);
    this.count++;
    if (this.count % WINDOW !== 0) return null;
    const starts: number[] = [];
    for (let s = this.nextStart; s + WINDOW <= this.count; s += STRIDE) starts.push(s);
    this.nextStart = (starts.at(-1) ?? this.nextStart - STRIDE) + STRIDE;
    const local = starts.map((s) => framesOf(s - this.offset));
    const outputs = await this.model.scoreWindows(stackWindows(this.rows, local), starts.length);
    const newWindows = starts.map((s, i) => {
      const frames = local[i]!;
      const w = combine(this.how, outputs[i]!, cnnMean(this.rows, frames));
      return { first: s, last: s + WINDOW - 1, start: this.times[frames[0]!]!, end: this.times[frames.at(-1)!]!, score: w.score, confidence: w.confidence };
    });
    for (const w of newWindows) this.tally.add(w);
    // Keep the frames from the next window's start on.
    const keepFrom = this.nextStart - this.offset;
    this.rows.splice(0, keepFrom);
    this.times.splice(0, keepFrom);
    this.offset = this.nextStart;
    return { ...this.tally.summary()!, frames: this.count, newWindows };
  }
}
