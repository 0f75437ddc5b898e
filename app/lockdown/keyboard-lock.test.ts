import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InterceptedKey } from '../../native/keyboard-lock';
import { startXvfb, xdotool, type XServer } from '../engine/signals/testing/x-server';
import { startKeyboardLock } from './keyboard-lock';

describe('the keyboard lock step under Xvfb', () => {
  let server: XServer;
  beforeAll(async () => {
    server = await startXvfb();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('says which combo ids it holds and hands over the presses it kept from others', async () => {
    const intercepted: InterceptedKey[] = [];
    const step = startKeyboardLock({ display: server.display, drainEveryMs: 20, onIntercepted: (keys) => intercepted.push(...keys) });
    try {
      if (!step.capability.ok) throw new Error(`lock unavailable: ${step.capability.reason}`);
      expect(step.capability).toEqual({ ok: true, mechanism: 'x11', notGrabbed: [] });
      for (const id of ['alt_tab', 'cmd_tab', 'super', 'print_screen', 'alt_f4', 'alt_esc', 'ctrl_esc'] as const) expect(step.isBlocked(id)).toBe(true);
      expect(step.isBlocked('copy')).toBe(false);
      xdotool(server, ['key', 'alt+Tab']);
      for (let i = 0; i < 100 && intercepted.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(intercepted).toMatchObject([{ keysym: 'Tab', modifiers: ['alt'] }]);
    } finally {
      step.revert();
    }
  });

  it('reports a combo another client holds as not held, naming it', () => {
    const first = startKeyboardLock({ display: server.display, combos: [{ keysym: 'Print', modifiers: [] }] });
    const second = startKeyboardLock({ display: server.display, combos: [{ keysym: 'Print', modifiers: [] }, { keysym: 'Tab', modifiers: ['alt'] }] });
    try {
      expect(second.capability).toMatchObject({ ok: true, notGrabbed: [expect.stringContaining('Print (another X client already grabs this combo')] });
      expect(second.isBlocked('print_screen')).toBe(false);
      expect(second.isBlocked('alt_tab')).toBe(true);
    } finally {
      second.revert();
      first.revert();
    }
  });

  it('is unavailable with the reason when there is no display, and blocks nothing', () => {
    const step = startKeyboardLock({ display: ':4999' });
    expect(step.capability).toMatchObject({ ok: false, reason: "cannot open X display ':4999'" });
    expect(step.isBlocked('alt_tab')).toBe(false);
    step.revert();
  });
});
