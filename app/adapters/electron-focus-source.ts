/**
 * FocusSource on the exam window's own focus and blur (Electron). A blur is the exam window losing the
 * keyboard to anything else: another app, a system dialog, a window switch the lock could not stop.
 */
import type { BrowserWindow } from 'electron';
import type { FocusSource } from '../engine/signals/focus';

export function createElectronFocusSource(window: BrowserWindow): FocusSource {
  let off: (() => void) | undefined;
  return {
    name: 'electron-window',
    origin: 'electron',
    async start(onChange) {
      if (window.isDestroyed()) return { ok: false, reason: 'the exam window is already closed', fix: 'start the lockdown after the window is created' };
      const onBlur = () => onChange(false, Date.now(), { event: 'blur', minimized: window.isMinimized(), visible: window.isVisible() });
      const onFocus = () => onChange(true, Date.now(), { event: 'focus' });
      window.on('blur', onBlur);
      window.on('focus', onFocus);
      onChange(window.isFocused(), Date.now(), { event: 'initial' });
      off = () => {
        window.off('blur', onBlur);
        window.off('focus', onFocus);
      };
      return { ok: true };
    },
    stop() {
      off?.();
      off = undefined;
    },
  };
}
