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
