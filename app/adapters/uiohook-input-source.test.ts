import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalEvent } from '../engine/signals/events';
import { createSessionClock } from '../engine/signals/session-clock';
import { startXvfb, xdotool, type XServer } from '../engine/signals/testing/x-server';
import { createUiohookInputSource } from './uiohook-input-source';

/** Waits until `predicate` holds over the collected events; fails naming what never arrived. */
async function until(events: SignalEvent[], predicate: (events: SignalEvent[]) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (predicate(events)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never arrived: ${what}; got ${JSON.stringify(events)}`);
}

describe('uiohook-napi as the OS input source, under Xvfb', () => {
  let server: XServer;
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  beforeAll(async () => {
    server = await startXvfb();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
  });

  it('turns Ctrl+C and Alt+Tab typed by xdotool into key_combo events on the session clock', async () => {
    const clock = createSessionClock({ originNs: process.hrtime.bigint() - 5_000_000_000n });
    child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./uiohook-input-source.child.ts', import.meta.url))], {
      env: { ...server.env, VIGIL_TEST_CLOCK_ORIGIN_NS: String(clock.originNs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: SignalEvent[] = [];
    let started: { started: boolean; reason?: string; fix?: string } | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { event?: unknown; started?: boolean };
      if (message.event) events.push(SignalEvent.parse(message.event));
      else started = message as typeof started;
    });
    for (let i = 0; i < 600 && !started; i++) await new Promise((r) => setTimeout(r, 50));
    if (!started) throw new Error(`the hook process never reported; stderr: ${stderr}`);
    if (!started.started) throw new Error(`${started.reason}; fix: ${started.fix}`);

    // The hook's recording thread connects asynchronously; type until the first combo shows up.
    for (let i = 0; i < 200 && events.length === 0; i++) {
      xdotool(server, ['key', 'ctrl+c']);
      await new Promise((r) => setTimeout(r, 100));
    }
    await until(events, (e) => e.length > 0, 'the first Ctrl+C');
    // Events arrive in order: once this marker is in, every warm-up press before it is too.
    xdotool(server, ['key', 'F12']);
    await until(events, (e) => e.some((x) => x.type === 'key_combo' && x.keys === 'F12'), 'the F12 marker');
    events.length = 0;
    const typedAt = clock.now();
    xdotool(server, ['key', 'ctrl+c', 'alt+Tab', 'a', 'super', 'Print', 'ctrl+v', 'F5']);
    await until(events, (e) => e.some((x) => x.type === 'key_combo' && x.combo === 'function_key'), 'F5');

    const combos = events.map((e) => (e.type === 'key_combo' ? [e.combo, e.keys] : [e.type]));
    expect(combos).toEqual([
      ['copy', 'Ctrl+C'],
      ['alt_tab', 'Alt+Tab'],
      ['super', 'Meta'],
      ['print_screen', 'PrintScreen'],
      ['paste', 'Ctrl+V'],
      ['function_key', 'F5'],
    ]);
    for (const event of events) {
      if (event.type !== 'key_combo') continue;
      expect(event.t).toBeGreaterThanOrEqual(typedAt);
      expect(event.t).toBeLessThanOrEqual(clock.now());
      expect(event.windowFocused).toBe(true);
      expect(event.evidence).toMatchObject({ source: 'uiohook-napi', keycode: expect.any(Number), osTime: expect.any(Number) });
    }
    const ts = events.map((e) => e.t);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
  });

  it('refuses to start without an X display, saying so, instead of letting the hook abort the process', async () => {
    const outcome = await createUiohookInputSource({ env: { DISPLAY: ':4999' } }).start(() => undefined);
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('no X server on :4999') });
    const unset = await createUiohookInputSource({ env: {} }).start(() => undefined);
    expect(unset).toMatchObject({ ok: false, reason: expect.stringContaining('DISPLAY is not set') });
  });

  it('passes a host permission refusal through unchanged', async () => {
    const denied = { ok: false as const, reason: 'Accessibility permission not granted', fix: 'System Settings > Privacy & Security > Accessibility' };
    const outcome = await createUiohookInputSource({ env: { DISPLAY: server.display }, checkPermission: () => denied }).start(() => undefined);
    expect(outcome).toEqual(denied);
  });
});
