/**
 * Ctrl+Alt+F1-F12 out of reach on X11. The X server acts on its keymap's server actions (SwitchScreen: change
 * virtual console; Terminate: kill the server) before any client's grab hears the key, so the keyboard lock
 * cannot hold them. For the exam, the server's keymap is replaced by the same keymap with those actions made
 * NoAction(); at the end the candidate's own keymap is loaded back, as `xkbcomp` dumped it (xkbcomp's own form: the same keys,
 * though section names and redundant entries of a keymap fresh from setxkbmap may be written differently).
 *
 * The candidate controls the machine: the original keymap is written to the state folder before anything
 * changes, so a killed app's change is undone at the next start (`restoreKeymapLeftBehind`); and the keymap is
 * looked at again every second, so one reset mid-exam (setxkbmap, xkbcomp) is undone and recorded as a
 * `console_switch` event from the keymap. What slips through between two looks is recorded by the console watch
 * (engine/signals/console-watch.ts).
 *
 * Limit: xkbcomp reaches the core keyboard's keymap; a keyboard plugged in mid-exam may carry the server's default
 * keymap until the next look replaces the core one, and its switch is then only recorded.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SignalSink } from '../engine/signals/events';
import type { SessionClock } from '../engine/signals/session-clock';
import { repeatingOperation } from '../engine/signals/session-operation';

export const KEYMAP_CHECK_INTERVAL_MS = 1000;
/** Where the candidate's keymap waits while the lock holds (in the app's state folder). */
export const LEFT_BEHIND_FILE = 'console-lock.json';

/** Server actions a key can carry in an xkb keymap: console switch and server kill (TerminateServer is an alias). */
const SERVER_ACTION = /\b(?:SwitchScreen|Terminate(?:Server)?)\s*\([^)]*\)/gi;

export function hasServerActions(keymap: string): boolean {
  return keymap.search(SERVER_ACTION) !== -1;
}

export function withoutServerActions(keymap: string): string {
  return keymap.replace(SERVER_ACTION, 'NoAction()');
}

const LeftBehind = z.object({ display: z.string().regex(/^[\w.:-]{1,100}$/), pid: z.number().int(), savedAt: z.string(), keymap: z.string().min(1) });
type LeftBehind = z.infer<typeof LeftBehind>;

function run(command: string, args: readonly string[], display: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, DISPLAY: display }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', (error) => reject(new Error(`${command}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed (Debian: x11-xkb-utils)' : error.message}`)));
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}: ${err.trim().split('\n').pop() ?? ''}`))));
    // A command that fails before reading its input closes the pipe: its exit code says why, not EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

/** The X server's current keymap, as xkb source. */
export function dumpKeymap(display: string): Promise<string> {
  return run('xkbcomp', ['-xkb', display, '-'], display);
}

async function loadKeymap(display: string, keymap: string): Promise<void> {
  await run('xkbcomp', ['-w', '0', '-', display], display, keymap);
}

function writeLeftBehind(stateDir: string, record: LeftBehind): void {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, LEFT_BEHIND_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(record), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

function readLeftBehind(stateDir: string): LeftBehind | 'none' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(join(stateDir, LEFT_BEHIND_FILE), 'utf8');
  } catch {
    return 'none';
  }
  try {
    return LeftBehind.parse(JSON.parse(text));
  } catch {
    return 'unreadable';
  }
}

export type LeftBehindOutcome = 'none' | 'restored' | 'already_undone' | 'unreadable' | 'server_gone';

/**
 * At start (and before a new lock): a keymap a killed app left without server actions gets the candidate's own
 * back. Only while the lock's change is still in effect: a server that has its console switch again (restarted,
 * or reset) keeps what it has.
 */
export async function restoreKeymapLeftBehind(stateDir: string): Promise<LeftBehindOutcome> {
  const record = readLeftBehind(stateDir);
  if (record === 'none') return 'none';
  const forget = () => rmSync(join(stateDir, LEFT_BEHIND_FILE), { force: true });
  if (record === 'unreadable') {
    forget();
    return 'unreadable';
  }
  let current: string;
  try {
    current = await dumpKeymap(record.display);
  } catch {
    forget(); // the server is gone, and its keymap with it
    return 'server_gone';
  }
  if (hasServerActions(current)) {
    forget();
    return 'already_undone';
  }
  await loadKeymap(record.display, record.keymap);
  forget();
  return 'restored';
}

export type ConsoleLockCapability = { ok: true; mechanism: 'xkb'; display: string; removed: number } | { ok: false; reason: string; fix?: string };

export interface ConsoleSwitchLock {
  readonly capability: ConsoleLockCapability;
  /** Whether the keymap is known to be without console-switch actions now. */
  held(): boolean;
  /** Looks at the keymap every `intervalMs` until revert(), undoing and recording a reset. */
  repeat(intervalMs?: number): void;
  /** One look (what repeat() does each time); true when it had to put the lock back. */
  check(): Promise<boolean>;
  /** The candidate's own keymap back. */
  revert(): Promise<void>;
}

export interface ConsoleLockOptions {
  readonly display?: string;
  /** The app's own state folder: the candidate's keymap waits there while the lock holds. */
  readonly stateDir: string;
  readonly clock: SessionClock;
  readonly sink: SignalSink;
  readonly onError?: (error: Error) => void;
}

export async function lockConsoleSwitching(options: ConsoleLockOptions): Promise<ConsoleSwitchLock> {
  const display = options.display ?? process.env.DISPLAY;
  const unavailable = (reason: string, fix?: string): ConsoleSwitchLock => ({
    capability: { ok: false, reason, ...(fix ? { fix } : {}) },
    held: () => false,
    repeat: () => undefined,
    check: async () => false,
    revert: async () => undefined,
  });
  if (!display) return unavailable('no X display (DISPLAY is not set)');
  let original: string;
  try {
    await restoreKeymapLeftBehind(options.stateDir);
    original = await dumpKeymap(display);
  } catch (error) {
    return unavailable(`cannot read the X keymap: ${(error as Error).message}`, 'install x11-xkb-utils (xkbcomp)');
  }
  const removed = original.match(SERVER_ACTION)?.length ?? 0;
  let held = false;
  const apply = async (keymap: string) => {
    await loadKeymap(display, withoutServerActions(keymap));
    held = !hasServerActions(await dumpKeymap(display));
    if (!held) throw new Error('the X server kept its console-switch actions after the keymap was replaced');
  };
  try {
    // Written before the keymap changes: a kill from here on leaves the way back on disk.
    writeLeftBehind(options.stateDir, { display, pid: process.pid, savedAt: new Date().toISOString(), keymap: original });
    await apply(original);
  } catch (error) {
    await restoreKeymapLeftBehind(options.stateDir).catch(() => undefined);
    return unavailable(`cannot change the X keymap: ${(error as Error).message}`);
  }

  const look = repeatingOperation(
    'console_lock',
    async () => {
      const current = await dumpKeymap(display);
      if (!hasServerActions(current)) return false;
      held = false;
      // Someone gave the keyboard its console switch back: take it away again, and say so in the record.
      const at = options.clock.now();
      await apply(current);
      options.sink({ type: 'console_switch', t: at, end: at, source: 'keymap', evidence: { display, actionsFound: current.match(SERVER_ACTION)?.length ?? 0, reapplied: held } });
      return true;
    },
    {
      intervalMs: KEYMAP_CHECK_INTERVAL_MS,
      onError: options.onError,
      undo: async () => {
        held = false;
        await loadKeymap(display, original);
        rmSync(join(options.stateDir, LEFT_BEHIND_FILE), { force: true });
      },
    },
  );
  return {
    capability: { ok: true, mechanism: 'xkb', display, removed },
    held: () => held,
    repeat: (intervalMs) => look.repeat(intervalMs),
    check: () => look.perform(),
    revert: () => look.revert(),
  };
}
