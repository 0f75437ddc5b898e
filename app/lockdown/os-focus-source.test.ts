import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalEvent } from '../engine/signals/events';
import { createFocusTracker } from '../engine/signals/focus';
import { createSessionClock } from '../engine/signals/session-clock';
import { requireTool, startXvfb, xdotool, type XServer } from '../engine/signals/testing/x-server';
import { createOsFocusSource } from './os-focus-source';

describe('the OS foreground window as a focus source, under Xvfb', () => {
  let server: XServer;
  const windows: ChildProcess[] = [];
  const ids: Record<string, number> = {};

  /** An ordinary X window with a title, as the exam window and another app would be. */
  async function openWindow(name: string): Promise<number> {
    windows.push(spawn('xev', ['-name', name], { env: server.env, stdio: 'ignore' }));
    for (let i = 0; i < 100; i++) {
      try {
        const id = execFileSync('xdotool', ['search', '--name', `^${name}$`], { env: server.env, encoding: 'utf8' }).trim().split('\n')[0];
        if (id) return Number(id);
      } catch {
        // not mapped yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`window ${name} never appeared`);
  }

  beforeAll(async () => {
    requireTool('xev');
    server = await startXvfb();
    ids.exam = await openWindow('vigil-exam');
    ids.other = await openWindow('other-app');
  });
  afterAll(async () => {
    for (const w of windows) {
      const exited = once(w, 'exit');
      w.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
  });

  it('records leaving the exam window for another window, naming it, and the return', async () => {
    const events: SignalEvent[] = [];
    const tracker = createFocusTracker({ clock: createSessionClock(), sink: (e) => events.push(e), origin: 'os' });
    xdotool(server, ['windowfocus', '--sync', String(ids.exam)]);
    const source = createOsFocusSource({ display: server.display, pollMs: 20, isExam: (fg) => fg.window === ids.exam });
    const started = await source.start((focused, at, evidence) => tracker.changed(focused, at, evidence));
    if (!started.ok) throw new Error(started.reason);
    const waitFor = async (n: number) => {
      for (let i = 0; i < 1000 && events.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      expect(tracker.focused()).toBe(true);
      xdotool(server, ['windowfocus', '--sync', String(ids.other)]);
      await waitFor(1);
      expect(events[0]).toMatchObject({ type: 'focus_lost', end: null, source: 'os', evidence: { foreground: 'other-app', window: ids.other } });
      xdotool(server, ['windowfocus', '--sync', String(ids.exam)]);
      await waitFor(2);
      expect(events[1]).toMatchObject({ type: 'focus_lost', source: 'os', evidence: { foreground: 'other-app', returnedTo: { foreground: 'vigil-exam' } } });
      const [lost, back] = events as [SignalEvent & { type: 'focus_lost' }, SignalEvent & { type: 'focus_lost' }];
      expect(back.t).toBe(lost.t);
      expect(back.end).toBeGreaterThanOrEqual(lost.t);
    } finally {
      source.stop();
    }
  });

  it('says why when there is no display to ask', async () => {
    const outcome = await createOsFocusSource({ display: ':4999', isExam: () => true }).start(() => undefined);
    expect(outcome).toMatchObject({ ok: false, reason: "foreground window cannot be read: cannot open X display ':4999'" });
  });
});
