/**
 * The one place where a time the candidate app sends (a frame's capture time, an audio chunk's start, an
 * evidence segment's bounds, a shell's signal) is put on the engine's session clock. The page counts from
 * just after `session.start` answered, so its times trail the engine's a little; a time ahead of the engine's
 * own clock (a page that lies, or a clock the candidate moved) is pulled back to now, and a stream's times
 * never go backwards (`floor`). Frames, audio and signals then share one axis the candidate cannot stretch.
 */

/** How far ahead of the engine's clock a time may be (IPC and timer jitter), in seconds. */
export const AHEAD_TOLERANCE_SEC = 0.5;

export function placeOnSessionClock(claimed: number, now: number, floor = 0): number {
  const t = Number.isFinite(claimed) ? claimed : now;
  return Math.max(floor, 0, Math.min(t, now + AHEAD_TOLERANCE_SEC));
}
