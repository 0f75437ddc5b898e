import { describe, expect, it } from 'vitest';
import type { SignalEvent } from './events';
import { createFocusTracker } from './focus';
import { signalAlerts } from './scoring';
import { createSessionClock } from './session-clock';

describe('the focus tracker', () => {
  const start = 1_700_000_000_000;
  /** A session clock whose wall and monotonic clocks stand at `now` (advanced by each call of `at`). */
  let now = start;
  const at = (ms: number) => (now = ms);
  const clockAt = (origin: number) => createSessionClock({ wall: () => now, monotonic: () => BigInt(now - origin) * 1_000_000n, originNs: 0n });
  it('records a loss at once and again with its end when focus returns, scored as one switch', () => {
    const events: SignalEvent[] = [];
    const tracker = createFocusTracker({ clock: clockAt(start), sink: (e) => events.push(e), origin: 'electron' });
    tracker.changed(true, at(start));
    tracker.changed(false, at(start + 12_000), { reason: 'blur' });
    expect(events).toEqual([{ type: 'focus_lost', t: 12, end: null, source: 'electron', evidence: { reason: 'blur' } }]);
    expect(tracker.focused()).toBe(false);
    tracker.changed(true, at(start + 20_500));
    expect(events[1]).toEqual({ type: 'focus_lost', t: 12, end: 20.5, source: 'electron', evidence: { reason: 'blur', returnedTo: {} } });
    expect(signalAlerts(events)).toMatchObject([{ type: 'focus_lost', start: 12, end: 20.5 }]);
  });

  it('ignores repeated states and closes an open loss at the end of the session', () => {
    const events: SignalEvent[] = [];
    const tracker = createFocusTracker({ clock: clockAt(start), sink: (e) => events.push(e), origin: 'os' });
    tracker.changed(false, at(start + 1000));
    tracker.changed(false, at(start + 2000));
    tracker.close(at(start + 5000));
    expect(events.map((e) => (e.type === 'focus_lost' ? [e.t, e.end] : null))).toEqual([[1, null], [1, 5]]);
  });
});
