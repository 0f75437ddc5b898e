/**
 * The port for OS-level keyboard input. The engine classifies and records; the host provides the hook
 * (app/adapters/uiohook-input-source.ts: uiohook-napi in Electron's main process, or in plain Node for tests).
 */
export interface Modifiers {
  readonly ctrl: boolean;
  readonly alt: boolean;
  readonly shift: boolean;
  /** Cmd on macOS, Win on Windows, Super on Linux. */
  readonly meta: boolean;
}

export interface KeyDown {
  /** A stable key name: 'Tab', 'C', 'Escape', 'PrintScreen', 'Meta', 'F1'..'F24', ... */
  readonly key: string;
  /** The hook's own key code, kept as evidence. */
  readonly keycode: number;
  readonly modifiers: Modifiers;
  /** The OS event clock in ms (X server time, tick count): evidence only, not comparable across hosts. */
  readonly osTime: number;
  /** Epoch ms when the host received the event; mapped onto the session clock. */
  readonly receivedAt: number;
}

export type InputStartOutcome = { ok: true } | { ok: false; reason: string; fix: string };

export interface InputSource {
  readonly name: string;
  /** Starts delivering key presses; a hook that cannot run answers ok: false and never throws. */
  start(onKeyDown: (key: KeyDown) => void): Promise<InputStartOutcome>;
  stop(): void;
}
