/**
 * The keyboard lock as a lockdown step: native/keyboard-lock holds the switch and screenshot combos for the
 * whole exam; this step says which of the engine's combo ids are really held (for key_combo's `blocked`) and
 * drains the intercepted presses so the native queue never grows. Released on revert.
 */
import { DEFAULT_LOCKED_COMBOS, lockKeyboard, type Combo, type InterceptedKey } from '../../native/keyboard-lock';
import type { ComboId } from '../engine/signals/events';
import type { HostCapabilities } from '../engine/signals/preflight';

export function comboIdOf(combo: Combo): ComboId | null {
  const mods = new Set(combo.modifiers);
  switch (combo.keysym) {
    case 'Tab':
      return mods.has('alt') ? 'alt_tab' : mods.has('super') ? 'cmd_tab' : null;
    case 'Escape':
      return mods.has('alt') ? 'alt_esc' : mods.has('ctrl') ? 'ctrl_esc' : null;
    case 'Super_L':
    case 'Super_R':
      return 'super';
    case 'Print':
      return 'print_screen';
    case 'F4':
      return mods.has('alt') ? 'alt_f4' : null;
    default:
      return null;
  }
}

export interface KeyboardLockStep {
  readonly capability: NonNullable<HostCapabilities['keyboardLock']>;
  isBlocked(combo: ComboId): boolean;
  revert(): void;
}

export function startKeyboardLock(options: { combos?: readonly Combo[]; display?: string; drainEveryMs?: number; onIntercepted?: (keys: InterceptedKey[]) => void } = {}): KeyboardLockStep {
  const outcome = lockKeyboard(options.combos ?? DEFAULT_LOCKED_COMBOS, options.display ? { display: options.display } : {});
  if (!outcome.ok) return { capability: outcome, isBlocked: () => false, revert: () => undefined };
  const { lock } = outcome;
  // A combo id counts as blocked only when every combo of it was grabbed (Alt+Tab and Alt+Shift+Tab both).
  const byId = new Map<ComboId, boolean>();
  for (const r of lock.results) {
    const id = comboIdOf(r);
    if (id) byId.set(id, (byId.get(id) ?? true) && r.grabbed);
  }
  const timer = setInterval(() => {
    const keys = lock.drain();
    if (keys.length) options.onIntercepted?.(keys);
  }, options.drainEveryMs ?? 250);
  timer.unref();
  const notGrabbed = lock.results.filter((r) => !r.grabbed).map((r) => `${[...r.modifiers, r.keysym].join('+')}${r.error ? ` (${r.error})` : ''}`);
  return {
    capability: { ok: true, mechanism: lock.mechanism, notGrabbed },
    isBlocked: (combo) => byId.get(combo) === true,
    revert() {
      clearInterval(timer);
      lock.release();
    },
  };
}
