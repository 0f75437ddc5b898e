import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalEvent } from '../engine/signals/events';
import { startKeyListener, type XKeyListener } from '../engine/signals/testing/x-listener';
import { startXvfb, xdotool, type XServer } from '../engine/signals/testing/x-server';

describe('lockdown keyboard under Xvfb: combos blocked for other clients and still recorded', () => {
  let server: XServer;
  let listener: XKeyListener;
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  beforeAll(async () => {
    server = await startXvfb();
    listener = await startKeyListener(server);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await listener?.stop();
    await server?.stop();
  });

  it('records Alt+Tab as a blocked key_combo while no other X client receives it; Ctrl+C passes and is recorded unblocked', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./observed-and-blocked.child.ts', import.meta.url))], { env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const events: SignalEvent[] = [];
    let started: { started: boolean; reason?: string; lock?: unknown } | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { event?: unknown };
      if (message.event) events.push(SignalEvent.parse(message.event));
      else started = message as typeof started;
    });
    for (let i = 0; i < 600 && !started; i++) await new Promise((r) => setTimeout(r, 50));
    if (!started?.started) throw new Error(`lockdown keyboard did not start: ${JSON.stringify(started)} ${stderr}`);

    const waitFor = async (what: string, found: () => boolean) => {
      for (let i = 0; i < 400 && !found(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!found()) throw new Error(`never recorded: ${what}; got ${JSON.stringify(events)}`);
    };
    // Warm up until the hook records (its thread connects asynchronously).
    for (let i = 0; i < 200 && events.length === 0; i++) {
      xdotool(server, ['key', 'F12']);
      await new Promise((r) => setTimeout(r, 100));
    }
    const from = await listener.mark('a');
    events.length = 0;
    xdotool(server, ['key', 'alt+Tab', 'ctrl+c']);
    await listener.mark('b');
    await waitFor('Ctrl+C', () => events.some((e) => e.type === 'key_combo' && e.combo === 'copy'));

    const seenByOthers = listener.presses.slice(from).map((p) => p.keysym);
    expect(seenByOthers).not.toContain('Tab');
    expect(seenByOthers).toContain('c');
    const combos = events.flatMap((e) => (e.type === 'key_combo' && e.combo !== 'function_key' ? [[e.combo, e.blocked]] : []));
    expect(combos).toEqual([
      ['alt_tab', true],
      ['copy', false],
    ]);
  });
});
