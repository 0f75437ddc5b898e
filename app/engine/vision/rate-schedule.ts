/**
 * When a slower model falls due: on a grid of `every` seconds rather than "at least `every` after the last run".
 * A live camera's frames come with jitter and drops, and "the first frame at least 1 s later" drifts to 1.04-1.1 s a
 * step, so a live session took fewer liveness frames than `vigil analyze` of the same recording (whose frames sit
 * exactly on i / fps) and its 12-frame windows ended later (issue #21). A frame more than half a step past its
 * slot (a gap with no face, a dropped second) starts a new grid, so two runs are never closer than half a step.
 */

/** `last`: the slot of the last run (-Infinity before the first). `at`: the slot this run takes, when due. */
export function dueOnGrid(last: number, t: number, every: number): { due: false } | { due: true; at: number } {
  // A clock that jumps backwards (a new clip) counts as due.
  if (t >= last && t - last < every) return { due: false };
  const slot = last + every;
  return { due: true, at: t >= last && t - slot < every / 2 ? slot : t };
}
