import { describe, expect, it } from 'vitest';
import { ExamPolicy } from '../policy/policy';
import type { SignalEvent } from './events';
import { ACT_ALERT_TYPE, SIGNAL_WEIGHTS, signalAlerts, signalPoints } from './scoring';

const combo = (t: number, c: 'alt_tab' | 'copy' | 'paste' | 'print_screen', blocked = false): SignalEvent => ({
  type: 'key_combo', t, combo: c, keys: c, windowFocused: true, blocked, evidence: { source: 'test' },
});
const focusLost = (t: number, end: number | null): SignalEvent => ({ type: 'focus_lost', t, end, source: 'electron', evidence: {} });
const clipboardChanged = (t: number): SignalEvent => ({ type: 'clipboard', t, action: 'changed', formats: ['text/plain'], evidence: { length: 12 } });

describe('OS signal scoring', () => {
  it('uses the weights the exam policy gives window switches and copy/paste', () => {
    const weights = ExamPolicy.parse({}).intervals.weights;
    expect(weights[ACT_ALERT_TYPE.window_switch]).toBe(SIGNAL_WEIGHTS.window_switch);
    expect(weights[ACT_ALERT_TYPE.copy_paste]).toBe(SIGNAL_WEIGHTS.copy_paste);
    expect(SIGNAL_WEIGHTS).toEqual({ window_switch: 4, copy_paste: 5 });
  });

  it('counts Alt+Tab followed by a focus loss as one window switch (+4), spanning the time away', () => {
    const alerts = signalAlerts([combo(10, 'alt_tab'), focusLost(10.3, 25)]);
    expect(alerts).toEqual([
      { type: 'focus_lost', start: 10.3, end: 25, severity: 'warning', confidence: 1, evidence: expect.objectContaining({ act: 'window_switch', awaySec: 14.7, combo: 'alt_tab' }) },
    ]);
    expect(signalPoints([combo(10, 'alt_tab'), focusLost(10.3, 25)], 0, 30)).toEqual({ points: 4, acts: { window_switch: 1, copy_paste: 0 } });
  });

  it('counts one switch seen by both the window and the OS foreground watch once, naming the window that won', () => {
    const events: SignalEvent[] = [
      focusLost(10.1, 12),
      { type: 'focus_lost', t: 10.2, end: 12.1, source: 'os', evidence: { foreground: 'Discord', pid: 4242 } },
    ];
    expect(signalAlerts(events)).toMatchObject([{ type: 'focus_lost', start: 10.1, evidence: { source: 'electron', os: { foreground: 'Discord', pid: 4242 } } }]);
    expect(signalPoints(events, 0, 30).acts.window_switch).toBe(1);
  });

  it('counts a blocked Alt+Tab that moved nothing as a window switch attempt', () => {
    const alerts = signalAlerts([combo(5, 'alt_tab', true)]);
    expect(alerts).toMatchObject([{ type: 'key_combo', start: 5, evidence: { act: 'window_switch_attempt', blocked: true } }]);
    expect(signalPoints([combo(5, 'alt_tab', true)], 0, 30).points).toBe(4);
  });

  it('keeps a console-switch lock undone mid-exam as its own warning, apart from the switch points', () => {
    const events: SignalEvent[] = [{ type: 'console_switch', t: 7, end: 7, source: 'keymap', evidence: { actionsFound: 13, reapplied: true } }];
    expect(signalAlerts(events)).toMatchObject([{ type: 'key_combo', start: 7, severity: 'warning', evidence: { act: 'console_lock_undone', actionsFound: 13 } }]);
    expect(signalPoints(events, 0, 30).points).toBe(0);
  });

  it('counts Ctrl+C plus the clipboard change as one copy (+5) and a paste as another (+5)', () => {
    const events = [combo(40, 'copy'), clipboardChanged(40.2), combo(50, 'paste')];
    expect(signalAlerts(events).map((a) => [a.type, a.start, a.evidence.action])).toEqual([
      ['clipboard', 40, 'copy'],
      ['clipboard', 50, 'paste'],
    ]);
    expect(signalPoints(events, 30, 60)).toEqual({ points: 10, acts: { window_switch: 0, copy_paste: 2 } });
  });

  it('counts a clipboard change without a key combo (a menu copy) as a copy', () => {
    expect(signalAlerts([clipboardChanged(3)])).toMatchObject([{ type: 'clipboard', start: 3, evidence: { act: 'copy_paste', combo: null } }]);
  });

  it('does not score Vigil clearing the clipboard', () => {
    expect(signalAlerts([{ type: 'clipboard', t: 0, action: 'cleared', formats: [], evidence: {} }])).toEqual([]);
  });

  it('scores only the acts that start inside the interval', () => {
    const events = [focusLost(29, 31), focusLost(35, null)];
    expect(signalPoints(events, 30, 60).acts.window_switch).toBe(1);
  });

  it('makes a prohibited remote-access tool a critical alert with its evidence', () => {
    const alerts = signalAlerts([{ type: 'prohibited_process', t: 7, name: 'anydesk', pid: 42, category: 'remote_access', action: 'terminated', evidence: { exe: '/usr/bin/anydesk', matchedOn: 'executable' } }]);
    expect(alerts).toEqual([{ type: 'prohibited_process', start: 7, end: 7, severity: 'critical', confidence: 1, evidence: expect.objectContaining({ name: 'anydesk', action: 'terminated', exe: '/usr/bin/anydesk' }) }]);
  });

  it('raises vm_detected only above the threshold, with the score as confidence', () => {
    expect(signalAlerts([{ type: 'vm_detected', t: 0, score: 0.3, evidence: {} }])).toEqual([]);
    expect(signalAlerts([{ type: 'vm_detected', t: 0, score: 0.8, evidence: {} }])).toMatchObject([{ type: 'vm_detected', confidence: 0.8, severity: 'warning' }]);
  });
});
