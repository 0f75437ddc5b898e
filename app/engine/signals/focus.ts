/**
 * Focus of the exam window, as focus_lost events. A loss is recorded at once (end: null), so a live session
 * scores it when it happens; the return is recorded as the same loss with its end (same t and source).
 * Readers keep the latest row for a (t, source) pair — scoring.ts does.
 */
import type { SignalOf, SignalSink } from './events';
import type { InputStartOutcome } from './input-source';
import type { SessionClock } from './session-clock';

export type FocusOrigin = SignalOf<'focus_lost'>['source'];

/** The port a host implements: the exam window's focus changes (Electron blur/focus, OS foreground window). */
export interface FocusSource {
  readonly name: string;
  readonly origin: FocusOrigin;
  start(onChange: (focused: boolean, atMs: number, evidence: Record<string, unknown>) => void): Promise<InputStartOutcome>;
  stop(): void;
}

export interface FocusTracker {
  /** Feed one change; repeated states are ignored. */
  changed(focused: boolean, atMs: number, evidence?: Record<string, unknown>): void;
  /** Whether the exam window has focus now (null before the first change). */
  focused(): boolean | null;
  /** Closes an open loss at the end of the session. */
  close(atMs: number): void;
}

export function createFocusTracker(options: { clock: SessionClock; sink: SignalSink; origin: FocusOrigin }): FocusTracker {
  let state: boolean | null = null;
  let open: SignalOf<'focus_lost'> | undefined;
  const finish = (atMs: number, evidence: Record<string, unknown>) => {
    if (!open) return;
    options.sink({ ...open, end: Math.max(open.t, options.clock.at(atMs)), evidence: { ...open.evidence, returnedTo: evidence } });
    open = undefined;
  };
  return {
    changed(focused, atMs, evidence = {}) {
      if (focused === state) return;
      state = focused;
      if (focused) return finish(atMs, evidence);
      open = { type: 'focus_lost', t: options.clock.at(atMs), end: null, source: options.origin, evidence };
      options.sink(open);
    },
    focused: () => state,
    close(atMs) {
      finish(atMs, { sessionEnded: true });
    },
  };
}
