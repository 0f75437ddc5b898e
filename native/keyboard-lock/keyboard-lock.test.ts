import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyListener, type XKeyListener } from '../../app/engine/signals/testing/x-listener';
import { startXvfb, xdotool, type XServer } from '../../app/engine/signals/testing/x-server';
import { DEFAULT_LOCKED_COMBOS, keyboardLockAvailability, lockKeyboard, probeDisplay } from './index';

describe('X11 keyboard lock under Xvfb', () => {
  let server: XServer;
  let listener: XKeyListener;

  beforeAll(async () => {
    const availability = keyboardLockAvailability();
    if (!availability.ok) throw new Error(`${availability.reason}; fix: ${availability.fix}`);
    server = await startXvfb();
    listener = await startKeyListener(server);
  });
  afterAll(async () => {
    await listener?.stop();
    await server?.stop();
  });

  const tabsSince = (from: number) => listener.presses.slice(from).filter((p) => p.keysym === 'Tab');

  it('keeps Alt+Tab from a second X client while locked, and gives it back on release', async () => {
    const before = await listener.mark('a');
    xdotool(server, ['key', 'alt+Tab']);
    await listener.mark('b');
    expect(tabsSince(before)).toHaveLength(1);

    const outcome = lockKeyboard(DEFAULT_LOCKED_COMBOS, { display: server.display });
    if (!outcome.ok) throw new Error(outcome.reason);
    const { lock } = outcome;
    expect(lock.mechanism).toBe('x11');
    expect(lock.results.find((r) => r.keysym === 'Tab' && r.modifiers.join() === 'alt')?.grabbed).toBe(true);

    const locked = await listener.mark('c');
    xdotool(server, ['key', 'alt+Tab', 'super', 'Print']);
    await listener.mark('d');
    expect(tabsSince(locked)).toEqual([]);
    expect(listener.presses.slice(locked).map((p) => p.keysym)).not.toContain('Print');
    expect(listener.presses.slice(locked).map((p) => p.keysym)).not.toContain('Super_L');
    // The lock itself saw what it kept from the others, for the event log.
    const intercepted = lock.drain();
    expect(intercepted.map((k) => `${k.modifiers.join('+')}+${k.keysym}`)).toEqual(['alt+Tab', '+Super_L', '+Print']);
    expect(intercepted.every((k) => k.time > 0)).toBe(true);

    lock.release();
    const released = await listener.mark('e');
    xdotool(server, ['key', 'alt+Tab']);
    await listener.mark('f');
    expect(tabsSince(released)).toHaveLength(1);
    expect(lock.drain()).toEqual([]);
  });

  it('leaves unlocked keys alone while locked', async () => {
    const outcome = lockKeyboard([{ keysym: 'Tab', modifiers: ['alt'] }], { display: server.display });
    if (!outcome.ok) throw new Error(outcome.reason);
    try {
      const from = await listener.mark('g');
      xdotool(server, ['key', 'Tab']);
      await listener.mark('h');
      expect(tabsSince(from)).toHaveLength(1);
    } finally {
      outcome.lock.release();
    }
  });

  it('reports a combo another client already holds as not grabbed, naming the conflict', () => {
    const first = lockKeyboard([{ keysym: 'F4', modifiers: ['alt'] }], { display: server.display });
    if (!first.ok) throw new Error(first.reason);
    try {
      const second = lockKeyboard([{ keysym: 'F4', modifiers: ['alt'] }], { display: server.display });
      if (!second.ok) throw new Error(second.reason);
      expect(second.lock.results[0]).toMatchObject({ grabbed: false, error: expect.stringContaining('BadAccess') });
      second.lock.release();
    } finally {
      first.lock.release();
    }
  });

  it('reports an unknown keysym instead of grabbing nothing silently', () => {
    const outcome = lockKeyboard([{ keysym: 'NotAKey', modifiers: [] }], { display: server.display });
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.lock.results[0]).toMatchObject({ grabbed: false, error: expect.stringContaining("'NotAKey'") });
    outcome.lock.release();
  });
});

describe('keyboard lock without a usable display', () => {
  it('says the display cannot be opened instead of crashing', () => {
    const outcome = lockKeyboard(DEFAULT_LOCKED_COMBOS, { display: ':4999' });
    expect(outcome).toMatchObject({ ok: false, reason: "cannot open X display ':4999'" });
    expect(probeDisplay(':4999')).toMatchObject({ ok: false, error: "cannot open X display ':4999'" });
  });

  it('says DISPLAY is not set', () => {
    const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY };
    delete process.env.DISPLAY;
    delete process.env.WAYLAND_DISPLAY;
    try {
      expect(lockKeyboard()).toMatchObject({ ok: false, reason: 'no X display (DISPLAY is not set)' });
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  });
});
