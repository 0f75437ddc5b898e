/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a random wait
 * between 0 and min(cap, base * 2^attempt), so many clients that lost the same server do not come back in step.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
  readonly random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 5 * 60_000 };

export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  // Never 0: a floor of a tenth of the base keeps a broken server from being hammered in a tight loop.
  return Math.max(options.baseMs / 10, Math.round(ceiling * (options.random ?? Math.random)()));
}
