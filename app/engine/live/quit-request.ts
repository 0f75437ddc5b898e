/**
 * The candidate's request to leave during the exam, decided by the exam's quit password, which the invigilator
 * types. Checked here against the policy's salted scrypt hash (password.ts), so the candidate app only ever
 * learns yes or no. Every refusal is counted and goes into the report, so guessing leaves evidence.
 */
import { verifyPassword } from './password';

export type QuitVerdict = { ok: true } | { ok: false; reason: 'wrong_password' | 'no_quit_password'; refused: number };

export class QuitRequests {
  private refused = 0;
  private accepted = false;

  constructor(private readonly quitPasswordHash: string | undefined) {}

  async check(password: string): Promise<QuitVerdict> {
    // Without a quit password the exam can only end by being handed in: there is nothing to type.
    if (!this.quitPasswordHash) return { ok: false, reason: 'no_quit_password', refused: this.refused };
    if (await verifyPassword(password, this.quitPasswordHash)) {
      this.accepted = true;
      return { ok: true };
    }
    this.refused += 1;
    return { ok: false, reason: 'wrong_password', refused: this.refused };
  }

  /** The report's line about quitting, or undefined when nobody asked to quit. */
  note(): string | undefined {
    const refusals = this.refused === 0 ? '' : `${this.refused} wrong quit password${this.refused === 1 ? '' : 's'}`;
    if (this.accepted) return `Quit: the exam was ended early with the invigilator's quit password${refusals ? ` (after ${refusals})` : ''}.`;
    return refusals ? `Quit: ${refusals} typed during the exam; the exam was not ended by it.` : undefined;
  }
}
