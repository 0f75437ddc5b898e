/**
 * Watches the wall clock against the monotonic session clock: when the two part by more than a tolerance, the
 * wall clock was set (or the machine slept, which Linux's monotonic clock does not count), and that is an event
 * of its own (`clock_changed`, with the jump in seconds). Only the record of the jump follows the wall clock:
 * frames, audio, signals and evidence stay on the session clock.
 */
import type { SignalOf, SignalSink } from './events';
import type { SessionClock } from './session-clock';
import { repeatingOperation, type SessionOperation } from './session-operation';

/** A wall clock drifting less than this between two looks (NTP slews, a busy machine) is not a jump. */
export const CLOCK_JUMP_TOLERANCE_SEC = 2;
export const CLOCK_WATCH_INTERVAL_MS = 1000;

export function createWallClockWatch(options: { clock: SessionClock; sink: SignalSink; toleranceSec?: number; onError?: (error: Error) => void }): SessionOperation<SignalOf<'clock_changed'> | null> {
  const { clock, sink } = options;
  const tolerance = options.toleranceSec ?? CLOCK_JUMP_TOLERANCE_SEC;
  let last = { wallMs: clock.wall(), t: clock.now() };
  return repeatingOperation(
    'wall_clock',
    async () => {
      const now = { wallMs: clock.wall(), t: clock.now() };
      const expectedMs = last.wallMs + (now.t - last.t) * 1000;
      const jumpSec = (now.wallMs - expectedMs) / 1000;
      const before = last;
      last = now;
      if (Math.abs(jumpSec) <= tolerance) return null;
      const event: SignalOf<'clock_changed'> = {
        type: 'clock_changed',
        t: now.t,
        jumpSec: Math.round(jumpSec * 1000) / 1000,
        evidence: { wallBefore: iso(before.wallMs), wallAfter: iso(now.wallMs), wallExpected: iso(expectedMs), sessionSecBetween: Math.round((now.t - before.t) * 1000) / 1000 },
      };
      sink(event);
      return event;
    },
    { intervalMs: CLOCK_WATCH_INTERVAL_MS, onError: options.onError },
  );
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
