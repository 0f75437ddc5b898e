/**
 * The OS keyboard lock, typed. One vocabulary on every OS: X11 keysym names (Tab, Escape, Super_L, Print, F4,
 * c) and modifiers shift | ctrl | alt | super. A missing build, a missing X display or a combo another client
 * already holds is a value the caller reports, never an exception.
 */
import { createRequire } from 'node:module';

export type Modifier = 'shift' | 'ctrl' | 'alt' | 'super';

export interface Combo {
  readonly keysym: string;
  readonly modifiers: readonly Modifier[];
}

export interface ComboResult extends Combo {
  /** True when the OS now keeps this combo from every other client. */
  readonly grabbed: boolean;
  readonly error?: string;
}

/** A locked combo the candidate pressed; time is the OS's key-event clock in ms (X server time on X11). */
export interface InterceptedKey extends Combo {
  readonly time: number;
}

export type Mechanism = 'x11' | 'win32-low-level-hook' | 'macos-presentation-options';

export interface KeyboardLock {
  readonly mechanism: Mechanism;
  readonly results: readonly ComboResult[];
  /** Locked combos pressed since the last call. */
  drain(): InterceptedKey[];
  release(): void;
}

export type LockOutcome = { ok: true; lock: KeyboardLock } | { ok: false; reason: string; fix: string };

export interface DisplayProbe {
  readonly ok: boolean;
  readonly display: string;
  readonly error?: string;
  readonly vendor?: string;
  readonly screens?: number;
}

/** The window holding the keyboard focus (X11: top-level window; Windows: foreground HWND; macOS: frontmost app, window 0). */
export interface ForegroundWindow {
  readonly window: number;
  readonly name: string | null;
  readonly pid: number | null;
}

interface Addon {
  readonly mechanism: Mechanism;
  foreground(handle: object): ForegroundWindow | null;
  probe(display?: string): DisplayProbe;
  grab(display: string | undefined, combos: readonly Combo[]): { handle: object; results: ComboResult[] };
  pump(handle: object): InterceptedKey[];
  release(handle: object): void;
}

/** What a kiosk exam blocks by default: switching away, the start menu, screenshots, closing the window. */
export const DEFAULT_LOCKED_COMBOS: readonly Combo[] = [
  { keysym: 'Tab', modifiers: ['alt'] },
  { keysym: 'Tab', modifiers: ['alt', 'shift'] },
  { keysym: 'Tab', modifiers: ['super'] },
  { keysym: 'Escape', modifiers: ['alt'] },
  { keysym: 'Escape', modifiers: ['ctrl'] },
  { keysym: 'Super_L', modifiers: [] },
  { keysym: 'Super_R', modifiers: [] },
  { keysym: 'Print', modifiers: [] },
  { keysym: 'Print', modifiers: ['alt'] },
  { keysym: 'F4', modifiers: ['alt'] },
];

const require = createRequire(import.meta.url);
const BUILD_FIX: Record<string, string> = {
  linux: 'install the X11 headers (Debian: apt-get install libx11-dev) and run `npm rebuild vigil-keyboard-lock`',
  win32: 'install Visual Studio Build Tools and run `npm rebuild vigil-keyboard-lock`',
  darwin: 'install the Xcode command line tools and run `npm rebuild vigil-keyboard-lock`',
};

type Loaded = { ok: true; addon: Addon } | { ok: false; error: string };

let loaded: Loaded | undefined;
// Resolved through the package name (a file: dependency built by `npm ci`), so the path holds from source,
// from a bundle and from a packaged app alike.
function loadAddon(): Loaded {
  if (!loaded) {
    try {
      loaded = { ok: true, addon: require('vigil-keyboard-lock/build/Release/keyboard_lock.node') as Addon };
    } catch (error) {
      loaded = { ok: false, error: (error as Error).message.split('\n')[0] ?? String(error) };
    }
  }
  return loaded;
}

/** Whether the addon is built and loads here; `fix` says how to get it when not. */
export function keyboardLockAvailability(): { ok: true; mechanism: Mechanism } | { ok: false; reason: string; fix: string } {
  const result = loadAddon();
  if (result.ok) return { ok: true, mechanism: result.addon.mechanism };
  return { ok: false, reason: `keyboard lock addon does not load: ${result.error}`, fix: BUILD_FIX[process.platform] ?? 'no keyboard lock is built for this OS' };
}

/** Opens and closes a connection to the display (X11: DISPLAY, or `display`) to prove it is usable. */
export function probeDisplay(display?: string): DisplayProbe {
  const result = loadAddon();
  if (!result.ok) return { ok: false, display: display ?? process.env.DISPLAY ?? '', error: `keyboard lock addon does not load: ${result.error}` };
  return result.addon.probe(display);
}

/** The addon, once it loads and (on X11) the display answers; else why not and how to fix it. */
function usableAddon(display: string | undefined): { ok: true; addon: Addon } | { ok: false; reason: string; fix: string } {
  const result = loadAddon();
  if (!result.ok) return { ok: false, reason: `keyboard lock addon does not load: ${result.error}`, fix: BUILD_FIX[process.platform] ?? 'no keyboard lock is built for this OS' };
  const { addon } = result;
  if (addon.mechanism === 'x11') {
    const name = display ?? process.env.DISPLAY;
    if (!name) {
      return {
        ok: false,
        reason: process.env.WAYLAND_DISPLAY ? 'Wayland session without an X display: the compositor owns the keyboard' : 'no X display (DISPLAY is not set)',
        fix: 'run Vigil in an X11 session (or under XWayland with DISPLAY set)',
      };
    }
    const probe = addon.probe(name);
    if (!probe.ok) return { ok: false, reason: probe.error ?? `cannot open X display '${name}'`, fix: 'check DISPLAY and that this user may connect to the X server (xhost/XAUTHORITY)' };
  }
  return { ok: true, addon };
}

/**
 * Locks `combos` until release(). On X11 this needs a display (DISPLAY or `display`); on Wayland there is
 * none to grab, and the outcome says so.
 */
export function lockKeyboard(combos: readonly Combo[] = DEFAULT_LOCKED_COMBOS, options: { display?: string } = {}): LockOutcome {
  const usable = usableAddon(options.display);
  if (!usable.ok) return usable;
  const { addon } = usable;
  try {
    const { handle, results } = addon.grab(options.display, combos);
    let released = false;
    return {
      ok: true,
      lock: {
        mechanism: addon.mechanism,
        results,
        drain: () => (released ? [] : addon.pump(handle)),
        release: () => {
          if (released) return;
          released = true;
          addon.release(handle);
        },
      },
    };
  } catch (error) {
    return { ok: false, reason: (error as Error).message, fix: 'see native/README.md for what this OS needs' };
  }
}

export type ForegroundWatch = { ok: true; current(): ForegroundWindow | null; close(): void } | { ok: false; reason: string; fix: string };

/**
 * Asks the OS which window has the keyboard, as often as the caller likes, over one connection (on X11 a grab
 * of no combos: a display connection and nothing more).
 */
export function openForegroundWatch(options: { display?: string } = {}): ForegroundWatch {
  const usable = usableAddon(options.display);
  if (!usable.ok) return usable;
  const { addon } = usable;
  // Only X11 needs a connection; on Windows and macOS a grab would replace the keyboard lock's hook.
  let handle: object = {};
  try {
    if (addon.mechanism === 'x11') handle = addon.grab(options.display, []).handle;
  } catch (error) {
    return { ok: false, reason: (error as Error).message, fix: 'see native/README.md for what this OS needs' };
  }
  let closed = false;
  return {
    ok: true,
    current: () => (closed ? null : addon.foreground(handle)),
    close() {
      if (closed) return;
      closed = true;
      if (addon.mechanism === 'x11') addon.release(handle);
    },
  };
}
