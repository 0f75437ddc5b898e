/**
 * The session clock: seconds since the session started, the one time axis that frames, audio, OS signals and
 * evidence share. It runs on the monotonic clock (CLOCK_MONOTONIC through process.hrtime), which the candidate
 * cannot set: moving the wall clock moves nothing here, and is itself recorded (wall-clock-watch.ts). The
 * monotonic clock is one per machine, not per process, so a shell process and a restarted engine that share
 * the session's origin (`originNs`) stand on the same axis. OS timestamps (X server time, tick counts) are
 * kept as evidence; `t` is always this clock.
 */
import { readFileSync } from 'node:fs';

/** Where wall-clock time comes from: Date.now by default, injectable so a test can jump it. */
export type WallClock = () => number;

/** Nanoseconds on the machine's monotonic clock (the same in every process until the next boot). */
export type MonotonicClock = () => bigint;

export const systemMonotonic: MonotonicClock = () => process.hrtime.bigint();

export interface SessionClock {
  /** Monotonic nanoseconds at t = 0 (t may start above 0 on a resumed session; see `offsetSec`). */
  readonly originNs: bigint;
  /** Epoch milliseconds on the wall clock when this clock was made (what the wall said; not trusted). */
  readonly startedAtMs: number;
  /** The wall clock this session reads, for the records that name a calendar time. */
  readonly wall: WallClock;
  /** Seconds since the session started. */
  now(): number;
  /**
   * Session seconds of an epoch-millisecond instant taken a moment ago (an OS callback's Date.now()): placed by
   * its age on the wall clock, so a wall-clock jump between two events does not move either; never negative
   * and never after now.
   */
  at(epochMs: number): number;
}

export interface SessionClockOptions {
  /** Monotonic nanoseconds at t = 0; now by default. A shell or a restarted engine passes the session's. */
  readonly originNs?: bigint;
  readonly wall?: WallClock;
  readonly monotonic?: MonotonicClock;
}

export function createSessionClock(options: SessionClockOptions = {}): SessionClock {
  const monotonic = options.monotonic ?? systemMonotonic;
  const wall = options.wall ?? Date.now;
  const originNs = options.originNs ?? monotonic();
  const now = () => Math.max(0, Number(monotonic() - originNs) / 1e9);
  return {
    originNs,
    startedAtMs: wall(),
    wall,
    now,
    at(epochMs) {
      const current = now();
      const ageSec = (wall() - epochMs) / 1000;
      return Math.min(current, Math.max(0, current - Math.max(0, ageSec)));
    },
  };
}

/**
 * The engine's wall clock. `VIGIL_WALL_CLOCK_OFFSET_FILE` names a file holding milliseconds added to Date.now(),
 * read on every call: end-to-end specs move the session's wall clock with it without root. It gives a
 * candidate nothing they lack: they can set the system clock itself, and either way the jump is recorded.
 */
export function wallClockFromEnv(env: NodeJS.ProcessEnv): WallClock {
  const file = env.VIGIL_WALL_CLOCK_OFFSET_FILE;
  if (!file) return Date.now;
  return () => {
    let offset = 0;
    try {
      offset = Number(readFileSync(file, 'utf8').trim()) || 0;
    } catch {
      // A missing or unreadable file is no offset: the real clock.
    }
    return Date.now() + offset;
  };
}
