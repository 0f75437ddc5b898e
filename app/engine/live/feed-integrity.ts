/**
 * Is the camera feed live? A real camera's sensor noise makes every frame's pixels differ, so the same pixels
 * twice mean a recording: one picture held (a frozen feed, or a still image fed as the camera) or a clip played
 * again (a looping feed, with a period: the time between a frame and its earlier twin). Each frame is reduced to
 * a fingerprint (a hash of a sample of its pixels); both findings become `camera_integrity` alerts with the
 * fingerprints' evidence. Frames arrive in capture order; `t` is the capture time.
 */
import type { Alert } from '../rules/alert';

/** Identical frames held this long are a frozen feed (a camera's noise changes pixels every frame). */
export const FROZEN_SEC = 2;
/** Frames seen again at least this long after their twin count as a replay, not a held picture. */
export const MIN_LOOP_PERIOD_SEC = 1;
/**
 * Replayed frames with the same period (within LOOP_PERIOD_TOLERANCE_SEC) needed before a loop is raised. One
 * exact repeat of a noisy frame is already impossible for a camera; three at one period is a clip played again,
 * and a page that samples the clip's frames sparsely (a slow computer drops frames) still finds three.
 */
export const LOOP_MIN_REPEATS = 3;
export const LOOP_PERIOD_TOLERANCE_SEC = 0.1;

/** FNV-1a over every 7th byte: 130k bytes of a 640x480 RGB frame, ~0.3 ms. */
export function frameFingerprint(rgb: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < rgb.length; i += 7) {
    h ^= rgb[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The clip's length: the shortest time between a frame and its twin that LOOP_MIN_REPEATS repeats are whole
 * multiples of (a page that missed a frame in one pass sees its twin two passes later), or undefined.
 */
export function loopPeriod(periods: readonly number[]): number | undefined {
  for (const candidate of [...periods].sort((a, b) => a - b)) {
    const fitting = periods.filter((p) => {
      const k = Math.round(p / candidate);
      return k >= 1 && Math.abs(p - k * candidate) <= LOOP_PERIOD_TOLERANCE_SEC * k;
    });
    if (fitting.length >= LOOP_MIN_REPEATS) return candidate;
  }
  return undefined;
}

export class FeedIntegrity {
  private readonly seen = new Map<number, number>();
  private frozen: { start: number; end: number; frames: number; fingerprint: number } | undefined;
  private lastFingerprint: number | undefined;
  private loop: { start: number; end: number; repeats: number; periods: number[] } | undefined;
  private readonly alerts: Alert[] = [];

  /** One frame; returns the alerts that open with it (at most one of each kind per episode). */
  push(t: number, fingerprint: number): Alert[] {
    const opened: Alert[] = [];
    if (fingerprint === this.lastFingerprint && this.frozen) {
      this.frozen.end = t;
      this.frozen.frames += 1;
      if (this.frozen.end - this.frozen.start >= FROZEN_SEC && !this.alerts.some((a) => a.evidence.kind === 'frozen_feed' && a.start === this.frozen!.start)) {
        opened.push(this.raise({ kind: 'frozen_feed', start: this.frozen.start, end: t, evidence: { frames: this.frozen.frames, fingerprint: hex(fingerprint), rule: `the same pixels for ${FROZEN_SEC}+ s (a camera's noise changes them every frame)` } }));
      }
    } else {
      this.frozen = { start: t, end: t, frames: 1, fingerprint };
      const earlier = this.seen.get(fingerprint);
      if (earlier !== undefined && t - earlier >= MIN_LOOP_PERIOD_SEC) {
        this.loop ??= { start: t, end: t, repeats: 0, periods: [] };
        this.loop.end = t;
        this.loop.repeats += 1;
        this.loop.periods.push(t - earlier);
        const period = loopPeriod(this.loop.periods);
        if (period !== undefined && !this.alerts.some((a) => a.evidence.kind === 'looped_feed')) {
          opened.push(this.raise({ kind: 'looped_feed', start: this.loop.start, end: t, evidence: { repeatedFrames: this.loop.repeats, periodSec: Math.round(period * 100) / 100, rule: `${LOOP_MIN_REPEATS}+ frames identical to frames seen a whole number of the same ${MIN_LOOP_PERIOD_SEC}+ s periods earlier (a clip played again)` } }));
        }
      }
      this.seen.set(fingerprint, t);
    }
    this.lastFingerprint = fingerprint;
    // Open alerts follow their episode to its last frame.
    for (const a of this.alerts) {
      if (a.evidence.kind === 'frozen_feed' && this.frozen && a.start === this.frozen.start) {
        a.end = this.frozen.end;
        a.evidence.frames = this.frozen.frames;
      }
      if (a.evidence.kind === 'looped_feed' && this.loop && a.start === this.loop.start) {
        a.end = this.loop.end;
        a.evidence.repeatedFrames = this.loop.repeats;
      }
    }
    return opened;
  }

  /** Every alert so far, with its episode's end as far as it has been seen. */
  all(): Alert[] {
    return this.alerts.map((a) => ({ ...a, evidence: { ...a.evidence } }));
  }

  private raise(a: { kind: string; start: number; end: number; evidence: Record<string, unknown> }): Alert {
    const alert: Alert = { type: 'camera_integrity', severity: 'critical', start: a.start, end: a.end, confidence: 1, evidence: { kind: a.kind, ...a.evidence } };
    this.alerts.push(alert);
    return alert;
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');
