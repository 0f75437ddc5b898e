/**
 * Which virtual console has the screen, as console_switch events. Ctrl+Alt+F1-F12 is acted on by the X server
 * (or the kernel) before any client hears the F key, so a key hook sees at most Ctrl+Alt; the kernel's record of
 * the active console (`/sys/class/tty/tty0/active`, readable by every user) is where the switch shows. The
 * console the exam started on is the exam's; the screen leaving it is recorded at once (end: null), and again with
 * its end when it comes back. Our process keeps running while another console is shown, so the watch keeps
 * looking.
 */
import { readFile } from 'node:fs/promises';
import type { SignalOf, SignalSink } from './events';
import type { SessionClock } from './session-clock';
import { repeatingOperation, type SessionOperation } from './session-operation';

export const ACTIVE_CONSOLE_FILE = '/sys/class/tty/tty0/active';
export const CONSOLE_WATCH_INTERVAL_MS = 500;

type ConsoleSwitch = SignalOf<'console_switch'>;

/** The active console's name (`tty2`), or why it cannot be read. */
export async function readActiveConsole(file = ACTIVE_CONSOLE_FILE): Promise<{ ok: true; vt: string } | { ok: false; reason: string }> {
  try {
    const vt = (await readFile(file, 'utf8')).trim();
    // The kernel writes a tty name; anything else (an empty or planted file) is not a console we can follow.
    if (!/^tty\d{1,3}$/.test(vt)) return { ok: false, reason: `${file}: not a console name (${JSON.stringify(vt.slice(0, 40))})` };
    return { ok: true, vt };
  } catch (error) {
    return { ok: false, reason: `${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
}

export interface ConsoleWatch extends SessionOperation<ConsoleSwitch | null> {
  /** The console the exam runs on (the first one read), null before. */
  examConsole(): string | null;
}

export function createConsoleWatch(options: { clock: SessionClock; sink: SignalSink; file?: string; onError?: (error: Error) => void }): ConsoleWatch {
  const { clock, sink } = options;
  const file = options.file ?? ACTIVE_CONSOLE_FILE;
  let exam: string | null = null;
  let away: ConsoleSwitch | undefined;
  const finish = (evidence: Record<string, unknown>) => {
    if (!away) return null;
    const back: ConsoleSwitch = { ...away, end: Math.max(away.t, clock.now()), evidence: { ...away.evidence, ...evidence } };
    away = undefined;
    sink(back);
    return back;
  };
  const operation = repeatingOperation(
    'console',
    async (): Promise<ConsoleSwitch | null> => {
      const active = await readActiveConsole(file);
      if (!active.ok) throw new Error(`active console: ${active.reason}`);
      exam ??= active.vt;
      if (active.vt === exam) return finish({ returned: true });
      if (away) {
        // From one other console to another: still away; the row keeps every console visited.
        const visited = away.evidence.visited as string[];
        if (visited.at(-1) !== active.vt) away = { ...away, evidence: { ...away.evidence, visited: [...visited, active.vt] } };
        return null;
      }
      away = { type: 'console_switch', t: clock.now(), end: null, source: 'vt', evidence: { examConsole: exam, activeConsole: active.vt, visited: [active.vt], file } };
      sink(away);
      return away;
    },
    { intervalMs: CONSOLE_WATCH_INTERVAL_MS, onError: options.onError, undo: async () => void finish({ sessionEnded: true }) },
  );
  return { ...operation, examConsole: () => exam };
}
