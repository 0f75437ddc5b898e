import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SignalEvent } from '../engine/signals/events';
import { createSessionClock } from '../engine/signals/session-clock';
import { requireTool, startXvfb, type XServer } from '../engine/signals/testing/x-server';
import { dumpKeymap, hasServerActions, LEFT_BEHIND_FILE, lockConsoleSwitching, restoreKeymapLeftBehind, withoutServerActions } from './console-switch-lock';

/*
 * Attacks tried, as the candidate, and what each got:
 * - Ctrl+Alt+F<n> while locked -> the keymap has no SwitchScreen action left: the server has nothing to switch with;
 * - `setxkbmap -layout de` mid-exam (a fresh keymap with the switches) -> undone within a look, recorded (keymap);
 * - `xkbcomp` loading a keymap with the switches mid-exam -> the same;
 * - SIGKILL the app while locked -> the next start loads the candidate's own keymap back (nothing left altered);
 * - a planted record (bad JSON, a display name carrying a shell command) -> refused and forgotten, nothing run;
 * - switching by other means (chvt as root, a keyboard plugged in mid-exam) -> not blocked; recorded by the
 *   console watch (engine/signals/console-watch.test.ts).
 */

/** The xkb lines that make Ctrl+Alt+F<n> switch consoles, as `xkbcomp :N -` shows them. */
const switchActions = (keymap: string) => keymap.match(/SwitchScreen\([^)]*\)/g) ?? [];

describe('console switching (Ctrl+Alt+F1-F12) taken out of the X keymap for the exam, under Xvfb', () => {
  let server: XServer;
  let stateDir: string;
  let original: string;
  beforeAll(async () => {
    requireTool('xkbcomp');
    requireTool('setxkbmap');
    server = await startXvfb();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'vigil-console-lock-'));
    // Every case starts from the server's own keymap (pc105/us: 12 console switches and Terminate, 13 server actions).
    execFileSync('setxkbmap', ['-layout', 'us', '-option'], { env: server.env });
    // Compared in xkbcomp's own form: its first load of a keymap setxkbmap compiled renames sections
    // (evdev+aliases -> evdev_aliases) and drops redundant type entries, which changes no key; from then on a
    // dump and load give back the same text.
    execFileSync('xkbcomp', ['-w', '0', '-', server.display], { env: server.env, input: await dumpKeymap(server.display) });
    original = await dumpKeymap(server.display);
    expect(switchActions(original)).toHaveLength(12);
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('leaves no console-switch action in the keymap while locked and gives the candidate the same keymap back after', async () => {
    const events: SignalEvent[] = [];
    const lock = await lockConsoleSwitching({ display: server.display, stateDir, clock: createSessionClock(), sink: (e) => events.push(e) });
    expect(lock.capability).toMatchObject({ ok: true, mechanism: 'xkb', removed: 13 });
    expect(lock.held()).toBe(true);
    const locked = await dumpKeymap(server.display);
    expect(switchActions(locked)).toEqual([]);
    expect(locked).toBe(withoutServerActions(original)); // nothing else about the keyboard changed
    expect(existsSync(join(stateDir, LEFT_BEHIND_FILE))).toBe(true);
    expect(await lock.check()).toBe(false); // a look at an untouched keymap changes nothing
    expect(events).toEqual([]);

    await lock.revert();
    expect(await dumpKeymap(server.display)).toBe(original);
    expect(existsSync(join(stateDir, LEFT_BEHIND_FILE))).toBe(false);
  });

  it('takes the switch away again, and records it, when the candidate resets the keymap mid-exam', async () => {
    const events: SignalEvent[] = [];
    const lock = await lockConsoleSwitching({ display: server.display, stateDir, clock: createSessionClock(), sink: (e) => events.push(e) });
    lock.repeat(100);
    try {
      // The attack: a fresh keymap from the rules (any layout) brings the server's console switches back.
      execFileSync('setxkbmap', ['-layout', 'de'], { env: server.env });
      await expect.poll(() => events.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(events[0]).toMatchObject({ type: 'console_switch', source: 'keymap', evidence: { actionsFound: 13, reapplied: true } });
      expect(switchActions(await dumpKeymap(server.display))).toEqual([]);
      expect(lock.held()).toBe(true);
      // The same with xkbcomp loading a keymap that has them: undone again, recorded again.
      execFileSync('xkbcomp', ['-w', '0', '-', server.display], { env: server.env, input: original });
      await expect.poll(() => events.length, { timeout: 10_000 }).toBeGreaterThan(1);
      expect(switchActions(await dumpKeymap(server.display))).toEqual([]);
    } finally {
      await lock.revert();
    }
    // The keymap the candidate had when the exam started, not the one they set during it.
    expect(await dumpKeymap(server.display)).toBe(original);
  });

  it('gives the keyboard back at the next start when the app was killed while locked', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./console-switch-lock.child.ts', import.meta.url)), stateDir], { env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [line] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), once(child, 'exit').then(() => [`exited: ${stderr}`])])) as string[];
    expect(JSON.parse(line!)).toMatchObject({ ok: true, removed: 13 });
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    expect(switchActions(await dumpKeymap(server.display))).toEqual([]); // the kill left it altered

    expect(await restoreKeymapLeftBehind(stateDir)).toBe('restored');
    expect(await dumpKeymap(server.display)).toBe(original);
    expect(await restoreKeymapLeftBehind(stateDir)).toBe('none');
  }, 60_000);

  it('leaves a keymap that has its switches again alone, and forgets a planted or unreadable record', async () => {
    // A record whose change is no longer in effect (the server restarted, or the keymap was reset since).
    writeFileSync(join(stateDir, LEFT_BEHIND_FILE), JSON.stringify({ display: server.display, pid: 1, savedAt: 'x', keymap: withoutServerActions(original) }));
    expect(await restoreKeymapLeftBehind(stateDir)).toBe('already_undone');
    expect(await dumpKeymap(server.display)).toBe(original);
    for (const planted of ['{not json', JSON.stringify({ display: ':0; rm -rf /', pid: 1, savedAt: 'x', keymap: 'x' })]) {
      writeFileSync(join(stateDir, LEFT_BEHIND_FILE), planted);
      expect(await restoreKeymapLeftBehind(stateDir)).toBe('unreadable');
      expect(existsSync(join(stateDir, LEFT_BEHIND_FILE))).toBe(false);
    }
  });

  it('says why it cannot lock without an X display, changing nothing', async () => {
    const lock = await lockConsoleSwitching({ display: ':9999', stateDir, clock: createSessionClock(), sink: () => undefined });
    expect(lock.capability).toMatchObject({ ok: false, reason: expect.stringContaining('cannot read the X keymap') });
    expect(lock.held()).toBe(false);
    expect(existsSync(join(stateDir, LEFT_BEHIND_FILE))).toBe(false);
    expect(hasServerActions(await dumpKeymap(server.display))).toBe(true);
  });
});
