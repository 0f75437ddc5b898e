/**
 * Turns an InputSource's key presses into key_combo events on the session clock, each with the exam
 * window's focus state and whether the OS keyboard lock held the combo back.
 */
import type { ComboId, SignalSink } from './events';
import type { InputSource, InputStartOutcome } from './input-source';
import { classifyKey } from './key-combos';
import type { SessionClock } from './session-clock';

export interface KeyComboMonitorOptions {
  readonly input: InputSource;
  readonly clock: SessionClock;
  readonly sink: SignalSink;
  /** The exam window's focus at the moment of the press; null when unknown. */
  readonly windowFocused?: () => boolean | null;
  /** Whether the OS lock currently keeps this combo from other applications. */
  readonly isBlocked?: (combo: ComboId) => boolean;
}

export type KeyComboMonitor = { ok: true; stop(): void } | Extract<InputStartOutcome, { ok: false }>;

export async function startKeyComboMonitor(options: KeyComboMonitorOptions): Promise<KeyComboMonitor> {
  const { input, clock, sink } = options;
  const outcome = await input.start((key) => {
    const classified = classifyKey(key);
    if (!classified) return;
    sink({
      type: 'key_combo',
      t: clock.at(key.receivedAt),
      combo: classified.combo,
      keys: classified.keys,
      windowFocused: options.windowFocused?.() ?? null,
      blocked: options.isBlocked?.(classified.combo) ?? false,
      evidence: { source: input.name, keycode: key.keycode, osTime: key.osTime },
    });
  });
  if (!outcome.ok) return outcome;
  return { ok: true, stop: () => input.stop() };
}
