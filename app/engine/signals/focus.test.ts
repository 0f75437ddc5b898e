import { describe, expect, it } from 'vitest';
import type { SignalEvent } from './events';
import { createFocusTracker } from './focus';
import { signalAlerts } from './scoring';
import { createSessionClock } from './session-clock';

describe('the focus tracker', () => {
  const start = 1_700_000_000_000;
  it('records a loss at once and again with its end when focus returns, scored as one switch', () => {
    const events: SignalEvent[] = [];
    const tracker = createFocusTracker({ clock: createSessionClock(start), sink: (e) => events.push(e), origin: 'electron' });
    tracker.changed(true, start);
    tracker.changed(false, start + 12_000, { reason: 'blur' });
    expect(events).toEqual([{ type: 'focus_lost', t: 12, end: null, source: 'electron', evidence: { reason: 'blur' } }]);
    expect(tracker.focused()).toBe(false);
    tracker.changed(true, start + 20_500);
    expect(events[1]).toEqual({ type: 'focus_lost', t: 12, end: 20.5, source: 'electron', evidence: { reason: 'blur', returnedTo: {} } });
    expect(signalAlerts(events)).toMatchObject([{ type: 'focus_lost', start: 12, end: 20.5 }]);
  });

  it('ignores repeated states and closes an open loss at the end of the session', () => {
    const events: SignalEvent[] = [];
    const tracker = createFocusTracker({ clock: createSessionClock(start), sink: (e) => events.push(e), origin: 'os' });
    tracker.changed(false, start + 1000);
    tracker.changed(false, start + 2000);
    tracker.close(start + 5000);
    expect(events.map((e) => (e.type === 'focus_lost' ? [e.t, e.end] : null))).toEqual([[1, null], [1, 5]]);
  });
});
