/**
 * Holds Electron to the quit gate: closing the exam window or quitting the app is refused until the exam has
 * ended or the quit password was accepted. Each refused attempt asks for the password (the shell shows the
 * prompt) and is reported, so the event log shows who tried to leave and how.
 */
import type { App, BrowserWindow, Event } from 'electron';
import type { QuitAttempt, QuitGate } from './quit-gate';

export interface QuitGuardOptions {
  readonly app: App;
  readonly window: BrowserWindow;
  readonly gate: QuitGate;
  /** Shows the quit-password prompt; resolves with what was typed, or null when cancelled. */
  readonly askPassword: () => Promise<string | null>;
  readonly onAttempt?: (attempt: QuitAttempt | 'cancelled', via: 'close' | 'quit') => void;
}

export function guardQuit(options: QuitGuardOptions): () => void {
  const { app, window, gate } = options;
  let asking = false;
  const intercept = (via: 'close' | 'quit') => (event: Event) => {
    if (gate.mayQuit()) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void options
      .askPassword()
      .then(async (typed) => {
        if (typed === null) return options.onAttempt?.('cancelled', via);
        const attempt = await gate.tryPassword(typed);
        options.onAttempt?.(attempt, via);
        if (gate.mayQuit()) app.quit();
      })
      .finally(() => (asking = false));
  };
  const onClose = intercept('close');
  const onQuit = intercept('quit');
  window.on('close', onClose);
  app.on('before-quit', onQuit);
  return () => {
    window.off('close', onClose);
    app.off('before-quit', onQuit);
  };
}
