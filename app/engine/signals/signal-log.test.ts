import { describe, expect, it } from 'vitest';
import { openStore } from '../storage/store';
import type { SignalEvent } from './events';
import { readSignals, signalLogSink } from './signal-log';

describe('signals in the session event log', () => {
  it('stores each signal as a hash-chained row on the session clock and reads it back unchanged', () => {
    const store = openStore(':memory:');
    const session = store.sessions.create({ source: 'live' });
    const sink = signalLogSink(store.events, session.id);
    const signals: SignalEvent[] = [
      { type: 'key_combo', t: 3.25, combo: 'alt_tab', keys: 'Alt+Tab', windowFocused: true, blocked: true, evidence: { keycode: 15 } },
      { type: 'focus_lost', t: 4, end: 9.5, source: 'electron', evidence: {} },
      { type: 'prohibited_process', t: 10, name: 'anydesk', pid: 77, category: 'remote_access', action: 'warned', evidence: { exe: '/tmp/anydesk' } },
    ];
    signals.forEach(sink);
    store.events.append(session.id, 11, 'alert', { not: 'a signal' });
    const rows = store.events.list(session.id);
    expect(rows.map((r) => [r.t, r.type])).toEqual([[3.25, 'key_combo'], [4, 'focus_lost'], [10, 'prohibited_process'], [11, 'alert']]);
    expect(readSignals(store.events, session.id)).toEqual(signals);
    expect(store.events.verifyChain(session.id)).toMatchObject({ ok: true, count: 4 });
    store.close();
  });

  it('refuses a malformed signal before it reaches the log', () => {
    const store = openStore(':memory:');
    const session = store.sessions.create({ source: 'live' });
    const sink = signalLogSink(store.events, session.id);
    expect(() => sink({ type: 'display_change', t: -1, count: 2, previousCount: 1, evidence: {} })).toThrow();
    expect(store.events.list(session.id)).toEqual([]);
    store.close();
  });
});
