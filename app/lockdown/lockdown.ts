/**
 * The exam lockdown, read top to bottom as what happens when an exam starts (Safe Exam Browser's session
 * checks: each step performed, repeated while the exam runs, reverted at the end). Every step that cannot run
 * is reported with its reason; the exam policy (`os`) decides whether the exam may start without it.
 */
import { systemPreferences, type App, type BrowserWindow } from 'electron';
import { createElectronClipboard } from '../adapters/electron-clipboard';
import { createElectronFocusSource } from '../adapters/electron-focus-source';
import { createUiohookInputSource } from '../adapters/uiohook-input-source';
import { createClipboardGuard } from '../engine/signals/clipboard';
import { createConsoleWatch } from '../engine/signals/console-watch';
import { x11LockUnreachable } from '../engine/signals/display-server';
import type { SignalSink } from '../engine/signals/events';
import { createFocusTracker } from '../engine/signals/focus';
import type { InputStartOutcome } from '../engine/signals/input-source';
import { startKeyComboMonitor } from '../engine/signals/key-combo-monitor';
import type { OsPolicy } from '../engine/signals/os-policy';
import { hostFindings, type HostCapabilities, type Preflight } from '../engine/signals/preflight';
import type { SessionClock } from '../engine/signals/session-clock';
import { lockConsoleSwitching } from './console-switch-lock';
import { startKeyboardLock } from './keyboard-lock';
import { applyKiosk } from './kiosk';
import { createNavigationAllowList } from './navigation';
import { createOsFocusSource } from './os-focus-source';
import { createQuitGate } from './quit-gate';
import { guardQuit } from './quit-guard';

export interface LockdownOptions {
  readonly app: App;
  readonly window: BrowserWindow;
  readonly appOrigin: string;
  readonly development: boolean;
  readonly os: OsPolicy;
  readonly allowedOrigins: readonly string[];
  readonly quitPasswordHash?: string;
  /** The app's state folder: what the lockdown changed outside the app waits there to be undone, even after a kill. */
  readonly stateDir: string;
  readonly clock: SessionClock;
  /** Where every OS signal goes: the session's event log (engine/signals/signal-log.ts). */
  readonly sink: SignalSink;
  readonly askQuitPassword: () => Promise<string | null>;
  /** Refused navigations, shortcuts and quit attempts, for the invigilator's log. */
  readonly onNotice?: (notice: { kind: string; detail: string }) => void;
}

export interface Lockdown {
  readonly preflight: Preflight;
  readonly mayStart: boolean;
  /** The exam is over: quitting is allowed from now on. */
  examEnded(): void;
  /** Undoes every step, newest first. */
  revert(): Promise<void>;
}

/** macOS delivers global key events only to apps with the Accessibility permission. */
function accessibilityPermission(): InputStartOutcome {
  if (process.platform !== 'darwin' || systemPreferences.isTrustedAccessibilityClient(false)) return { ok: true };
  return { ok: false, reason: 'Accessibility permission not granted (macOS)', fix: 'System Settings > Privacy & Security > Accessibility: allow Vigil, then restart it' };
}

export async function startLockdown(options: LockdownOptions): Promise<Lockdown> {
  const { app, window, clock, sink, os } = options;
  const notice = (kind: string, detail: string) => options.onNotice?.({ kind, detail });
  const reverts: (() => void | Promise<void>)[] = [];

  // 1. The window becomes the kiosk; leaving it needs the exam's end or the quit password.
  const kiosk = applyKiosk(window, { allowNavigation: createNavigationAllowList(options.appOrigin, options.allowedOrigins), development: options.development, onRefused: notice });
  reverts.push(kiosk.revert);
  const gate = createQuitGate(options.quitPasswordHash);
  reverts.push(guardQuit({ app, window, gate, askPassword: options.askQuitPassword, onAttempt: (attempt, via) => notice('quit_attempt', `${via}: ${attempt}`) }));

  // 2. The OS keeps switch and screenshot combos from everything else (where it can).
  const host: { keyboardLock?: HostCapabilities['keyboardLock']; inputHook?: HostCapabilities['inputHook'] } = {};
  // Under Wayland the X11 grab reaches only XWayland windows: the lock is unavailable, not silently partial.
  const unreachable = os.keyboardLock === 'off' ? null : x11LockUnreachable(process.env);
  const lock = os.keyboardLock === 'off' || unreachable ? undefined : startKeyboardLock();
  if (unreachable) host.keyboardLock = { ok: false, ...unreachable };
  if (lock) {
    host.keyboardLock = lock.capability;
    reverts.push(lock.revert);
  }
  // Ctrl+Alt+F1-F12 is acted on by the X server before any grab hears it: the console switch is taken out of the X
  // keymap instead, and taken out again (and recorded) if someone resets the keymap mid-exam.
  const consoleLock = lock && process.platform === 'linux' ? await lockConsoleSwitching({ stateDir: options.stateDir, clock, sink, onError: onceOnly((e) => notice('console_lock_failed', e.message)) }) : undefined;
  if (consoleLock?.capability.ok) {
    consoleLock.repeat();
    reverts.push(consoleLock.revert);
  } else if (consoleLock && !consoleLock.capability.ok && host.keyboardLock?.ok) {
    host.keyboardLock = { ...host.keyboardLock, notGrabbed: [...host.keyboardLock.notGrabbed, `Ctrl+Alt+F1-F12 (${consoleLock.capability.reason})`] };
  }
  // Where it cannot be blocked (Wayland, no xkbcomp, a keyboard plugged in mid-exam) it is still seen: the kernel's
  // active console leaving the exam's is a console_switch event, under any display server.
  if (process.platform === 'linux') {
    const consoleWatch = createConsoleWatch({ clock, sink, onError: onceOnly((e) => notice('console_watch_failed', e.message)) });
    try {
      await consoleWatch.perform();
      consoleWatch.repeat();
      reverts.push(consoleWatch.revert);
    } catch (error) {
      notice('console_watch_unavailable', (error as Error).message);
    }
  }

  // 3. The exam window's focus, and every combo pressed, on the session clock.
  const focus = createFocusTracker({ clock, sink, origin: 'electron' });
  const focusSource = createElectronFocusSource(window);
  await focusSource.start((focused, at, evidence) => focus.changed(focused, at, evidence));
  reverts.push(() => {
    focusSource.stop();
    focus.close(Date.now());
  });
  // The OS's foreground window says which window took the keyboard (scoring merges it with the blur above).
  const handle = window.getNativeWindowHandle();
  const examWindowId = handle.length >= 8 ? Number(handle.readBigUInt64LE(0)) : handle.readUInt32LE(0);
  const osFocus = createFocusTracker({ clock, sink, origin: 'os' });
  const osFocusSource = createOsFocusSource({ isExam: (fg) => fg.window === examWindowId || fg.pid === process.pid });
  const osFocusStarted = await osFocusSource.start((focused, at, evidence) => osFocus.changed(focused, at, evidence));
  if (osFocusStarted.ok) {
    reverts.push(() => {
      osFocusSource.stop();
      osFocus.close(Date.now());
    });
  } else {
    notice('os_focus_unavailable', osFocusStarted.reason);
  }
  if (os.inputHook !== 'off') {
    const monitor = await startKeyComboMonitor({
      input: createUiohookInputSource({ checkPermission: accessibilityPermission }),
      clock,
      sink,
      windowFocused: () => focus.focused() ?? osFocus.focused(),
      isBlocked: (combo) => (combo === 'console_switch' ? (consoleLock?.held() ?? false) : (lock?.isBlocked(combo) ?? false)),
    });
    host.inputHook = monitor.ok ? { ok: true } : { ok: false, reason: monitor.reason, fix: monitor.fix };
    if (monitor.ok) reverts.push(monitor.stop);
  }

  // 4. May the exam start, as far as this host goes? The keyboard lock and the key hook above, judged by the
  //    policy. (Programs, virtual machine, remote session and displays are the engine's start check, in both
  //    shells, and it repeats them while the exam runs: engine/live/exam-gates.ts.)
  const findings = hostFindings(os, host);
  const preflight: Preflight = { mayStart: findings.every((f) => f.verdict !== 'refuse'), findings };

  // 5. While it runs: the clipboard cleared now and watched; on Linux the PRIMARY selection (middle-click paste) too.
  for (const selection of process.platform === 'linux' ? (['clipboard', 'primary'] as const) : (['clipboard'] as const)) {
    const guard = createClipboardGuard({ clipboard: createElectronClipboard(selection), clock, sink });
    await guard.perform();
    guard.repeat();
    reverts.push(guard.revert);
  }

  return {
    preflight,
    mayStart: preflight.mayStart,
    examEnded: () => gate.examEnded(),
    async revert() {
      for (const revert of reverts.splice(0).reverse()) {
        try {
          await revert();
        } catch (error) {
          notice('revert_failed', (error as Error).message);
        }
      }
    },
  };
}

/** A watch that fails every pass reports it once, not twice a second. */
function onceOnly(report: (error: Error) => void): (error: Error) => void {
  let reported = false;
  return (error) => {
    if (reported) return;
    reported = true;
    report(error);
  };
}
