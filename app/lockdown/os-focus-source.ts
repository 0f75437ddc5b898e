/**
 * FocusSource on the OS's own idea of the foreground window (native/keyboard-lock: X11 focus or
 * _NET_ACTIVE_WINDOW, Windows GetForegroundWindow, macOS frontmost app), polled. It sees what Electron's blur
 * cannot tell: which window took the keyboard, and its title and process, kept as evidence.
 */
import { openForegroundWatch, type ForegroundWindow } from '../../native/keyboard-lock';
import type { FocusSource } from '../engine/signals/focus';

export interface OsFocusOptions {
  /** Whether this foreground window is the exam (X11/Windows: its native window id; macOS: this process). */
  readonly isExam: (foreground: ForegroundWindow) => boolean;
  readonly display?: string;
  readonly pollMs?: number;
}

export function createOsFocusSource(options: OsFocusOptions): FocusSource {
  let stop: (() => void) | undefined;
  return {
    name: 'os-foreground',
    origin: 'os',
    async start(onChange) {
      const watch = openForegroundWatch(options.display ? { display: options.display } : {});
      if (!watch.ok) return { ok: false, reason: `foreground window cannot be read: ${watch.reason}`, fix: watch.fix };
      let last: number | null | undefined;
      const poll = () => {
        const foreground = watch.current();
        const key = foreground?.window ?? null;
        if (key === last) return;
        last = key;
        const focused = foreground !== null && options.isExam(foreground);
        onChange(focused, Date.now(), foreground ? { foreground: foreground.name, window: foreground.window, pid: foreground.pid } : { foreground: null });
      };
      poll();
      const timer = setInterval(poll, options.pollMs ?? 250);
      timer.unref();
      stop = () => {
        clearInterval(timer);
        watch.close();
      };
      return { ok: true };
    },
    stop() {
      stop?.();
      stop = undefined;
    },
  };
}
