import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleWatch, readActiveConsole } from './console-watch';
import { SignalEvent } from './events';
import { signalAlerts, signalPoints } from './scoring';
import { createSessionClock } from './session-clock';

/** The kernel's active-console file, written by the test as the kernel would on Ctrl+Alt+F<n>. */
describe('the active virtual console, watched as console_switch events', () => {
  let dir: string;
  let file: string;
  let monoNs = 0n;
  const clock = createSessionClock({ originNs: 0n, monotonic: () => monoNs, wall: () => 0 });
  const at = (sec: number, vt: string) => {
    monoNs = BigInt(sec * 1e9);
    writeFileSync(file, `${vt}\n`);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
    file = join(dir, 'active');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records the screen leaving the exam console at once, and its return with the time away', async () => {
    const events: SignalEvent[] = [];
    const watch = createConsoleWatch({ clock, sink: (e) => events.push(SignalEvent.parse(e)), file });
    at(1, 'tty2');
    expect(await watch.perform()).toBeNull();
    expect(watch.examConsole()).toBe('tty2');
    at(10, 'tty3'); // Ctrl+Alt+F3: a text login outside the exam
    await watch.perform();
    expect(events).toEqual([{ type: 'console_switch', t: 10, end: null, source: 'vt', evidence: { examConsole: 'tty2', activeConsole: 'tty3', visited: ['tty3'], file } }]);
    at(12, 'tty4');
    await watch.perform();
    expect(events).toHaveLength(1); // still away: one switch, not two
    at(25, 'tty2');
    await watch.perform();
    expect(events[1]).toMatchObject({ type: 'console_switch', t: 10, end: 25, source: 'vt', evidence: { visited: ['tty3', 'tty4'], returned: true } });

    // Scored as what it is: the candidate left the exam (a window switch, +4), spanning the time away.
    expect(signalAlerts(events)).toMatchObject([{ type: 'focus_lost', start: 10, end: 25, evidence: { act: 'window_switch', via: 'console_switch', awaySec: 15 } }]);
    expect(signalPoints(events, 0, 30)).toEqual({ points: 4, acts: { window_switch: 1, copy_paste: 0 } });
  });

  it('closes a switch still open when the exam ends', async () => {
    const events: SignalEvent[] = [];
    const watch = createConsoleWatch({ clock, sink: (e) => events.push(e), file });
    at(0, 'tty7');
    await watch.perform();
    at(3, 'tty1');
    await watch.perform();
    at(8, 'tty1');
    await watch.revert();
    expect(events.at(-1)).toMatchObject({ t: 3, end: 8, evidence: { sessionEnded: true } });
  });

  it('keeps looking while the candidate is away, through repeat()', async () => {
    const events: SignalEvent[] = [];
    const watch = createConsoleWatch({ clock, sink: (e) => events.push(e), file });
    at(0, 'tty1');
    watch.repeat(20);
    try {
      await expect.poll(() => watch.examConsole()).toBe('tty1');
      at(2, 'tty5');
      await expect.poll(() => events.length).toBe(1);
      at(4, 'tty1');
      await expect.poll(() => events.length).toBe(2);
    } finally {
      await watch.revert();
    }
    expect(events[1]).toMatchObject({ t: 2, end: 4 });
  });

  it('refuses a missing, empty or planted file with the file and the problem, recording nothing', async () => {
    expect(await readActiveConsole(join(dir, 'missing'))).toEqual({ ok: false, reason: `${join(dir, 'missing')}: ENOENT` });
    for (const planted of ['', 'tty1; rm -rf /', 'x'.repeat(10_000), 'tty2\ntty3']) {
      writeFileSync(file, planted);
      expect(await readActiveConsole(file)).toMatchObject({ ok: false, reason: expect.stringContaining('not a console name') });
    }
    const events: SignalEvent[] = [];
    const watch = createConsoleWatch({ clock, sink: (e) => events.push(e), file });
    await expect(watch.perform()).rejects.toThrow(`active console: ${file}: not a console name`);
    expect(events).toEqual([]);
  });
});
