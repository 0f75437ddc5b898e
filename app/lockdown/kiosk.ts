/**
 * The kiosk shell for the exam window: fullscreen kiosk, always on top, no menu, content protection (Windows
 * and macOS exclude the window from screen capture; X11 has no such thing), navigation only to the allowed
 * origins, no new windows, devtools closed outside development, the display kept awake. revert() undoes
 * each of them when the exam ends.
 */
import { powerSaveBlocker, type BrowserWindow, type Event, type Input } from 'electron';
import type { NavigationAllowList } from './navigation';

export interface KioskOptions {
  readonly allowNavigation: NavigationAllowList;
  readonly development: boolean;
  /** Told about each refused navigation or window, for the event log. */
  readonly onRefused?: (what: 'navigation' | 'new_window' | 'devtools' | 'shortcut', detail: string) => void;
}

export interface KioskReport {
  readonly contentProtection: boolean;
  readonly powerSaveBlockerId: number;
}

/** Renderer shortcuts that would leave or inspect the exam page. */
function isRefusedShortcut(input: Input, development: boolean): string | null {
  const key = input.key.toLowerCase();
  const mod = input.control || input.meta;
  if (!development && (key === 'f12' || (mod && input.shift && (key === 'i' || key === 'j' || key === 'c')))) return 'devtools';
  if (key === 'f5' || (mod && key === 'r')) return 'reload';
  if (mod && (key === 'w' || key === 'q' || key === 'n' || key === 't' || key === 'p')) return `${input.meta ? 'Cmd' : 'Ctrl'}+${input.key}`;
  if (input.alt && (key === 'arrowleft' || key === 'arrowright')) return 'history navigation';
  return null;
}

export function applyKiosk(window: BrowserWindow, options: KioskOptions): { report: KioskReport; revert(): void } {
  const contents = window.webContents;
  window.removeMenu();
  window.setKiosk(true);
  window.setAlwaysOnTop(true, 'screen-saver');
  window.setMinimizable(false);
  window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  const contentProtection = process.platform === 'win32' || process.platform === 'darwin';
  window.setContentProtection(true);

  const onNavigate = (event: Event, url: string) => {
    if (options.allowNavigation(url)) return;
    event.preventDefault();
    options.onRefused?.('navigation', url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.setWindowOpenHandler(({ url }) => {
    options.onRefused?.('new_window', url);
    return { action: 'deny' };
  });
  const onDevtools = () => {
    if (options.development) return;
    contents.closeDevTools();
    options.onRefused?.('devtools', 'devtools opened');
  };
  contents.on('devtools-opened', onDevtools);
  const onInput = (event: Event, input: Input) => {
    if (input.type !== 'keyDown') return;
    const refused = isRefusedShortcut(input, options.development);
    if (!refused) return;
    event.preventDefault();
    options.onRefused?.('shortcut', refused);
  };
  contents.on('before-input-event', onInput);
  // Leaving fullscreen is how a kiosk is escaped on some desktops: go straight back.
  const refullscreen = () => window.setKiosk(true);
  window.on('leave-full-screen', refullscreen);

  const powerSaveBlockerId = powerSaveBlocker.start('prevent-display-sleep');
  return {
    report: { contentProtection, powerSaveBlockerId },
    revert() {
      if (powerSaveBlocker.isStarted(powerSaveBlockerId)) powerSaveBlocker.stop(powerSaveBlockerId);
      window.off('leave-full-screen', refullscreen);
      contents.off('will-navigate', onNavigate);
      contents.off('will-redirect', onNavigate);
      contents.off('devtools-opened', onDevtools);
      contents.off('before-input-event', onInput);
      if (window.isDestroyed()) return;
      window.setContentProtection(false);
      window.setAlwaysOnTop(false);
      window.setKiosk(false);
      window.setMinimizable(true);
    },
  };
}
