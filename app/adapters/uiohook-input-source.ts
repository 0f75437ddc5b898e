/**
 * InputSource on uiohook-napi: an OS-level keyboard hook (XRecord on Linux, a low-level hook on Windows, an
 * event tap on macOS). It lives in Electron's main process and loads in plain Node too, which is how it is
 * tested under Xvfb. It observes only; blocking is native/keyboard-lock's job.
 *
 * uiohook aborts the process when it cannot open the X display, so on Linux the display is probed first.
 */
import type * as UiohookNapi from 'uiohook-napi';
import type { InputSource, InputStartOutcome, KeyDown } from '../engine/signals/input-source';
import { probeX11Display } from '../engine/signals/x11-display';

export interface UiohookInputSourceOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Host-specific permission check run before the hook starts (macOS Accessibility, from Electron). */
  readonly checkPermission?: () => InputStartOutcome;
}

/** Right-hand modifiers report as their left names, so classification sees one name per key. */
const SAME_KEY: Record<string, string> = { MetaRight: 'Meta', CtrlRight: 'Ctrl', AltRight: 'Alt', ShiftRight: 'Shift' };

const LIBRARY_FIX: Record<string, string> = {
  linux: 'install the X libraries uiohook-napi links (Debian: apt-get install libxtst6 libxt6 libxrandr2) and reinstall with `npm ci`',
  darwin: 'reinstall with `npm ci`; the prebuilt uiohook-napi binary ships in the package',
  win32: 'reinstall with `npm ci`; the prebuilt uiohook-napi binary ships in the package',
};

type UiohookModule = typeof UiohookNapi;
type KeyListener = (e: UiohookNapi.UiohookKeyboardEvent) => void;

export function createUiohookInputSource(options: UiohookInputSourceOptions = {}): InputSource {
  const env = options.env ?? process.env;
  let running: { hook: UiohookModule['uIOhook']; listener: KeyListener } | undefined;

  return {
    name: 'uiohook-napi',
    async start(onKeyDown): Promise<InputStartOutcome> {
      if (running) return { ok: false, reason: 'the keyboard hook is already running', fix: 'stop it before starting it again' };
      if (process.platform === 'linux') {
        const display = await probeX11Display(env.DISPLAY);
        if (!display.ok) return { ok: false, reason: `OS keyboard hook cannot start: ${display.reason}`, fix: display.fix };
      }
      const permission = options.checkPermission?.();
      if (permission && !permission.ok) return permission;
      let module: UiohookModule;
      try {
        module = await import('uiohook-napi');
      } catch (error) {
        return { ok: false, reason: `uiohook-napi does not load: ${(error as Error).message.split('\n')[0]}`, fix: LIBRARY_FIX[process.platform] ?? 'uiohook-napi has no build for this OS' };
      }
      const names = new Map<number, string>(Object.entries(module.UiohookKey).map(([name, code]) => [code, SAME_KEY[name] ?? name]));
      const hook = module.uIOhook;
      const listener: KeyListener = (e) => {
        const key: KeyDown = {
          key: names.get(e.keycode) ?? `Unknown(${e.keycode})`,
          keycode: e.keycode,
          modifiers: { ctrl: e.ctrlKey, alt: e.altKey, shift: e.shiftKey, meta: e.metaKey },
          osTime: e.time,
          receivedAt: Date.now(),
        };
        onKeyDown(key);
      };
      hook.on('keydown', listener);
      try {
        hook.start();
      } catch (error) {
        hook.off('keydown', listener);
        return { ok: false, reason: `OS keyboard hook failed to start: ${(error as Error).message}`, fix: LIBRARY_FIX[process.platform] ?? 'see native/README.md' };
      }
      running = { hook, listener };
      return { ok: true };
    },
    stop() {
      if (!running) return;
      running.hook.off('keydown', running.listener);
      running.hook.stop();
      running = undefined;
    },
  };
}
