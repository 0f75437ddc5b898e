/**
 * The candidate's request to leave during the exam, decided by the exam's quit password, which the invigilator
 * types. Checked here against the policy's hash (password.ts), so the candidate app only ever learns yes or no.
 * Guessing is slowed and leaves evidence: after a few wrong passwords the prompt locks for a time that doubles
 * with every further wrong one, and every attempt (right, wrong or refused while locked) is handed to
 * `onAttempt`, which the live API turns into an event in the session's hash chain.
 */
import { verifyPassword } from './password';

export type QuitVerdict =
  | { ok: true }
  | { ok: false; reason: 'wrong_password' | 'no_quit_password' | 'locked'; refused: number; retryAfterSec: number };

export interface QuitAttempt {
  readonly outcome: 'accepted' | 'wrong_password' | 'no_quit_password' | 'locked';
  /** Wrong passwords so far. */
  readonly refused: number;
  /** Seconds the prompt stays locked after this attempt (0 = open). */
  readonly lockedForSec: number;
}

export interface QuitLockout {
  /** Wrong passwords allowed before the first lock. */
  readonly freeAttempts: number;
  readonly firstLockSec: number;
  readonly maxLockSec: number;
}

export const DEFAULT_LOCKOUT: QuitLockout = { freeAttempts: 3, firstLockSec: 30, maxLockSec: 15 * 60 };

/** How long the prompt locks after the n-th wrong password: 0 for the free ones, then 30 s, 60 s, 120 s... capped. */
export function lockSeconds(refused: number, lockout: QuitLockout = DEFAULT_LOCKOUT): number {
  if (refused < lockout.freeAttempts) return 0;
  return Math.min(lockout.maxLockSec, lockout.firstLockSec * 2 ** (refused - lockout.freeAttempts));
}

export class QuitRequests {
  private refused = 0;
  private accepted = false;
  private lockedUntil = 0;

  constructor(
    private readonly quitPasswordHash: string | undefined,
    private readonly options: { now?: () => number; onAttempt?: (attempt: QuitAttempt) => void; lockout?: QuitLockout } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private record(outcome: QuitAttempt['outcome'], lockedForSec: number): void {
    this.options.onAttempt?.({ outcome, refused: this.refused, lockedForSec });
  }

  async check(password: string): Promise<QuitVerdict> {
    // Without a quit password the exam can only end by being handed in: there is nothing to type.
    if (!this.quitPasswordHash) {
      this.record('no_quit_password', 0);
      return { ok: false, reason: 'no_quit_password', refused: this.refused, retryAfterSec: 0 };
    }
    const wait = Math.ceil((this.lockedUntil - this.now()) / 1000);
    if (wait > 0) {
      // Locked: the password is not even looked at, so guessing faster gains nothing.
      this.record('locked', wait);
      return { ok: false, reason: 'locked', refused: this.refused, retryAfterSec: wait };
    }
    if (await verifyPassword(password, this.quitPasswordHash)) {
      this.accepted = true;
      this.record('accepted', 0);
      return { ok: true };
    }
    this.refused += 1;
    const lock = lockSeconds(this.refused, this.options.lockout);
    this.lockedUntil = this.now() + lock * 1000;
    this.record('wrong_password', lock);
    return { ok: false, reason: 'wrong_password', refused: this.refused, retryAfterSec: lock };
  }

  /** The report's line about quitting, or undefined when nobody asked to quit. */
  note(): string | undefined {
    const refusals = this.refused === 0 ? '' : `${this.refused} wrong quit password${this.refused === 1 ? '' : 's'}`;
    if (this.accepted) return `Quit: the exam was ended early with the invigilator's quit password${refusals ? ` (after ${refusals})` : ''}.`;
    return refusals ? `Quit: ${refusals} typed during the exam; the exam was not ended by it.` : undefined;
  }
}
