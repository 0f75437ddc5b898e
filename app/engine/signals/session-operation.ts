/**
 * A session check as Safe Exam Browser models one: perform it once (before the exam may start), repeat it
 * while the exam runs, revert what it changed when the exam ends.
 */
export interface SessionOperation<Result> {
  readonly id: string;
  /** One pass: look, apply the policy, report. */
  perform(): Promise<Result>;
  /** Keep performing every `intervalMs` until revert(). */
  repeat(intervalMs?: number): void;
  /** Stop repeating and undo what perform() changed. */
  revert(): Promise<void>;
}

export interface Repeater {
  /** Performs now, then `intervalMs` after each pass finishes; a second start() while running does nothing. */
  start(intervalMs: number): void;
  stop(): void;
}

/**
 * The `repeat()` of a session operation: passes never overlap (the next is scheduled when the previous has
 * finished, however slow the OS is), and a failed pass is reported and does not stop the repetition.
 */
export function createRepeater(pass: () => Promise<unknown>, onError?: (error: Error) => void): Repeater {
  let timer: NodeJS.Timeout | undefined;
  return {
    start(intervalMs) {
      if (timer) return;
      const tick = () =>
        void pass()
          .catch((error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error))))
          .finally(() => {
            if (timer) timer = setTimeout(tick, intervalMs);
          });
      timer = setTimeout(tick, 0);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
