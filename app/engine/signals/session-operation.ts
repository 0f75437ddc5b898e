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

export interface RepeatingOperationOptions {
  /** repeat()'s interval when the caller names none. */
  readonly intervalMs: number;
  /** A failed repeated pass is reported here and does not stop the repetition. */
  readonly onError?: (error: Error) => void;
  /** What revert() undoes once the last pass has finished. */
  readonly undo?: () => Promise<void>;
}

/**
 * A session operation from one pass. Passes never overlap: perform() while a pass runs shares it, and repeat()
 * schedules the next pass only when the previous one has finished, however slow the OS is.
 */
export function repeatingOperation<Result>(id: string, pass: () => Promise<Result>, options: RepeatingOperationOptions): SessionOperation<Result> {
  let running: Promise<Result> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const perform = () => {
    running ??= pass().finally(() => (running = undefined));
    return running;
  };
  return {
    id,
    perform,
    repeat(intervalMs = options.intervalMs) {
      if (timer) return;
      const tick = () =>
        void perform()
          .catch((error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error))))
          .finally(() => {
            if (timer) timer = setTimeout(tick, intervalMs);
          });
      timer = setTimeout(tick, 0);
    },
    async revert() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
      await options.undo?.();
    },
  };
}
