/**
 * Speech segments from per-chunk speech probabilities, with hysteresis: speech starts when the probability
 * reaches `onThreshold`, and ends only after `minSilenceSec` below `offThreshold`; segments shorter than
 * `minSpeechSec` are dropped (clicks, coughs). Streaming: push probabilities as they come, segments come out
 * as soon as they close. Times are on the session clock.
 */
export interface SpeechSegment {
  readonly start: number;
  readonly end: number;
  /** Mean and peak speech probability over the segment's chunks: the evidence an alert carries. */
  readonly meanProb: number;
  readonly maxProb: number;
}

export interface HysteresisOptions {
  readonly onThreshold: number;
  readonly offThreshold: number;
  readonly minSpeechSec: number;
  readonly minSilenceSec: number;
  /** Padding added to both ends: the VAD reacts a little late to onsets and early to fades. */
  readonly padSec: number;
}

export const DEFAULT_HYSTERESIS: HysteresisOptions = { onThreshold: 0.5, offThreshold: 0.35, minSpeechSec: 0.25, minSilenceSec: 0.3, padSec: 0.2 };

export class SpeechHysteresis {
  private start: number | null = null;
  private silenceStart: number | null = null;
  private sum = 0;
  private count = 0;
  private max = 0;
  private lastEnd = 0;

  /** `floor`: where the stream starts (or resumed after a gap); padding never reaches before it. */
  constructor(
    private readonly options: HysteresisOptions = DEFAULT_HYSTERESIS,
    private readonly floor = 0,
  ) {}

  /** One chunk [t, t + dt) with its speech probability; returns the segment this closes, if any. */
  push(t: number, dt: number, p: number): SpeechSegment | null {
    this.lastEnd = t + dt;
    if (this.start === null) {
      if (p >= this.options.onThreshold) {
        this.start = t;
        this.silenceStart = null;
        this.sum = p;
        this.count = 1;
        this.max = p;
      }
      return null;
    }
    if (p < this.options.offThreshold) {
      this.silenceStart ??= t;
      if (t + dt - this.silenceStart >= this.options.minSilenceSec) return this.close(this.silenceStart);
      return null;
    }
    this.silenceStart = null;
    this.sum += p;
    this.count += 1;
    this.max = Math.max(this.max, p);
    return null;
  }

  /** End of stream (or of capture): closes an open segment. */
  finish(): SpeechSegment | null {
    return this.start === null ? null : this.close(this.silenceStart ?? this.lastEnd);
  }

  private close(end: number): SpeechSegment | null {
    const start = this.start!;
    this.start = null;
    this.silenceStart = null;
    if (end - start < this.options.minSpeechSec) return null;
    const pad = this.options.padSec;
    return { start: Math.max(this.floor, start - pad), end: Math.min(this.lastEnd, end + pad), meanProb: this.sum / this.count, maxProb: this.max };
  }
}

/** All segments of a finished probability track (chunk i covers [t0 + i*dt, t0 + (i+1)*dt)). */
export function segmentsOf(probs: ArrayLike<number>, dt: number, options: HysteresisOptions = DEFAULT_HYSTERESIS, t0 = 0): SpeechSegment[] {
  const h = new SpeechHysteresis(options, t0);
  const out: SpeechSegment[] = [];
  for (let i = 0; i < probs.length; i++) {
    const s = h.push(t0 + i * dt, dt, probs[i]!);
    if (s) out.push(s);
  }
  const last = h.finish();
  if (last) out.push(last);
  return mergeTouching(out);
}

/** Padding can make neighbours overlap; one segment then. */
function mergeTouching(segments: SpeechSegment[]): SpeechSegment[] {
  const out: SpeechSegment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (prev && s.start <= prev.end) {
      out[out.length - 1] = { start: prev.start, end: Math.max(prev.end, s.end), meanProb: (prev.meanProb + s.meanProb) / 2, maxProb: Math.max(prev.maxProb, s.maxProb) };
    } else out.push(s);
  }
  return out;
}
