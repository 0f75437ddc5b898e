/**
 * When the exam app may quit: after the exam has ended, or once the invigilator has typed the quit password
 * (checked against the policy's salted scrypt hash, engine/live/password.ts). Every attempt is counted, so a
 * candidate guessing the password leaves evidence.
 */
import { verifyPassword } from '../engine/live/password';

export type QuitAttempt = 'exam_ended' | 'accepted' | 'rejected' | 'no_quit_password';

export interface QuitGate {
  mayQuit(): boolean;
  examEnded(): void;
  /** Checks a typed password; 'accepted' unlocks quitting for good. */
  tryPassword(password: string): Promise<QuitAttempt>;
  attempts(): { readonly rejected: number; readonly accepted: boolean };
}

export function createQuitGate(quitPasswordHash: string | undefined): QuitGate {
  let ended = false;
  let unlocked = false;
  let rejected = 0;
  return {
    mayQuit: () => ended || unlocked,
    examEnded() {
      ended = true;
    },
    async tryPassword(password) {
      if (ended) return 'exam_ended';
      // Without a quit password the exam can only end normally: there is nothing to type.
      if (!quitPasswordHash) return 'no_quit_password';
      if (await verifyPassword(password, quitPasswordHash)) {
        unlocked = true;
        return 'accepted';
      }
      rejected += 1;
      return 'rejected';
    },
    attempts: () => ({ rejected, accepted: unlocked }),
  };
}
