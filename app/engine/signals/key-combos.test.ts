import { describe, expect, it } from 'vitest';
import type { KeyDown } from './input-source';
import { classifyKey } from './key-combos';

const press = (key: string, mods: Partial<KeyDown['modifiers']> = {}): KeyDown => ({
  key, keycode: 0, osTime: 0, receivedAt: 0, modifiers: { ctrl: false, alt: false, shift: false, meta: false, ...mods },
});

describe('key combo classification', () => {
  it('names window switching on every OS', () => {
    expect(classifyKey(press('Tab', { alt: true }))).toEqual({ combo: 'alt_tab', keys: 'Alt+Tab' });
    expect(classifyKey(press('Tab', { alt: true, shift: true }))).toEqual({ combo: 'alt_tab', keys: 'Alt+Shift+Tab' });
    expect(classifyKey(press('Tab', { meta: true }))).toEqual({ combo: 'cmd_tab', keys: 'Meta+Tab' });
    expect(classifyKey(press('Meta', { meta: true }))).toEqual({ combo: 'super', keys: 'Meta' });
    expect(classifyKey(press('Escape', { ctrl: true }))?.combo).toBe('ctrl_esc');
  });
  it('counts Ctrl and Cmd alike for copy, cut and paste', () => {
    expect(classifyKey(press('C', { ctrl: true }))?.combo).toBe('copy');
    expect(classifyKey(press('C', { meta: true }))?.combo).toBe('copy');
    expect(classifyKey(press('X', { ctrl: true }))?.combo).toBe('cut');
    expect(classifyKey(press('V', { meta: true }))).toEqual({ combo: 'paste', keys: 'Meta+V' });
  });
  it('names screenshots, Alt+F4 and function keys', () => {
    expect(classifyKey(press('PrintScreen'))?.combo).toBe('print_screen');
    expect(classifyKey(press('F4', { alt: true }))?.combo).toBe('alt_f4');
    expect(classifyKey(press('F4'))?.combo).toBe('function_key');
    expect(classifyKey(press('F24'))?.combo).toBe('function_key');
  });
  it('names Ctrl+Alt+F1-F12 a console switch (a text login outside the exam session on Linux)', () => {
    expect(classifyKey(press('F2', { ctrl: true, alt: true }))).toEqual({ combo: 'console_switch', keys: 'Ctrl+Alt+F2' });
    expect(classifyKey(press('F12', { ctrl: true, alt: true }))?.combo).toBe('console_switch');
    expect(classifyKey(press('F4', { ctrl: true, alt: true }))?.combo).toBe('console_switch');
    expect(classifyKey(press('F13', { ctrl: true, alt: true }))?.combo).toBe('function_key');
    expect(classifyKey(press('F2', { ctrl: true }))?.combo).toBe('function_key');
  });
  it('ignores ordinary typing', () => {
    for (const k of [press('C'), press('V', { shift: true }), press('Tab'), press('Escape'), press('F25'), press('A', { ctrl: true })]) expect(classifyKey(k)).toBeNull();
  });
});
