/**
 * The session clock: seconds since the session started, the one time axis that frames, audio and OS signals
 * share. OS timestamps (X server time, tick counts) are kept as evidence; `t` is always this clock.
 */
export interface SessionClock {
  /** Epoch milliseconds at t = 0. */
  readonly startedAtMs: number;
  /** Seconds since the session started. */
  now(): number;
  /** Seconds on this clock of an epoch-millisecond instant (never negative). */
  at(epochMs: number): number;
}

export function createSessionClock(startedAtMs: number = Date.now(), nowMs: () => number = Date.now): SessionClock {
  const at = (epochMs: number) => Math.max(0, (epochMs - startedAtMs) / 1000);
  return { startedAtMs, now: () => at(nowMs()), at };
}
