/**
 * When a slower model falls due: on a grid of `every` seconds rather than "at least `every` after the last run".
 * A live camera's frames come with jitter and drops, and "the first frame at least 1 s later" drifts to 1.04-1.1 s a
 * step, so a live session took fewer liveness frames than `vigil analyze` of the same recording (whose frames sit
 * exactly on i / fps) and its 12-frame windows ended later (issue #21). A frame a whole step or more past its slot
 * (a gap with no face, a clock jump) starts a new grid; two runs are never closer than half a step.
 */

export interface GridState {
  /** The grid slot of the last run (-Infinity before the first). */
  readonly slot: number;
  /** The frame time of the last run. */
  readonly taken: number;
}

export const GRID_START: GridState = { slot: Number.NEGATIVE_INFINITY, taken: Number.NEGATIVE_INFINITY };

export function dueOnGrid(s: GridState, t: number, every: number): { due: false } | { due: true; next: GridState } {
  // A clock that jumps backwards (a new clip) counts as due.
  const backwards = t < s.slot || t < s.taken;
  if (!backwards && (t - s.slot < every || t - s.taken < every / 2)) return { due: false };
  const slot = s.slot + every;
  return { due: true, next: { slot: !backwards && t - slot < every ? slot : t, taken: t } };
}
