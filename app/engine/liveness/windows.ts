/**
 * Windows of 12 evidence frames, stride 6 (DESIGN.md system 3), and how window scores add up to a sequence's
 * answer: score and confidence are the means over its windows, variance the windows' score variance, temporal
 * stability 1 - their standard deviation. The file mode (`aggregateWindows` over every window) and the streaming
 * mode (`LivenessStream`, one answer per 12 frames over the windows so far) use these same functions.
 */
import { EVIDENCE_DIM } from './evidence';

export const WINDOW = 12;
export const STRIDE = 6;

export function windowStarts(frames: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + WINDOW <= frames; s += STRIDE) starts.push(s);
  return starts;
}

/** Row-major [windows, WINDOW, EVIDENCE_DIM] from per-frame rows, one window per list of frame indices. */
export function stackWindows(rows: readonly Float32Array[], windows: readonly (readonly number[])[]): Float32Array {
  const out = new Float32Array(windows.length * WINDOW * EVIDENCE_DIM);
  windows.forEach((frames, w) => frames.forEach((f, k) => out.set(rows[f]!, (w * WINDOW + k) * EVIDENCE_DIM)));
  return out;
}

export const framesOf = (start: number) => Array.from({ length: WINDOW }, (_, k) => start + k);

export interface WindowScore {
  /** Index of the window's first and last frame in the sequence (or stream). */
  readonly first: number;
  readonly last: number;
  /** Time of those frames (seconds), where known. */
  readonly start: number;
  readonly end: number;
  /** Probability of a live face. */
  readonly score: number;
  readonly confidence: number;
}

export interface LivenessSummary {
  readonly windows: number;
  readonly score: number;
  readonly confidence: number;
  readonly variance: number;
  /** 1 - the standard deviation of the window scores. */
  readonly stability: number;
}

/** Running sums, so the stream keeps no window history; the file mode adds the same values in the same order. */
export class WindowTally {
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  private confidence = 0;

  add(w: Pick<WindowScore, 'score' | 'confidence'>): void {
    this.n++;
    this.sum += w.score;
    this.sumSq += w.score * w.score;
    this.confidence += w.confidence;
  }

  summary(): LivenessSummary | null {
    if (this.n === 0) return null;
    const mean = this.sum / this.n;
    const variance = Math.max(0, this.sumSq / this.n - mean * mean);
    return { windows: this.n, score: mean, confidence: this.confidence / this.n, variance, stability: 1 - Math.sqrt(variance) };
  }
}

export function aggregateWindows(windows: readonly Pick<WindowScore, 'score' | 'confidence'>[]): LivenessSummary | null {
  const tally = new WindowTally();
  for (const w of windows) tally.add(w);
  return tally.summary();
}
