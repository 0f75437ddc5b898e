import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../storage/store';
import { createLiveApi } from './live-api';
import { processesOfThisTest } from '../signals/testing/own-processes';

const dir = mkdtempSync(join(tmpdir(), 'vigil-live-signals-'));

describe('OS signals in a live session', () => {
  it('score a window switch and a paste in the live interval, flag it, and put them in the report', async () => {
    const store = openStore(join(dir, 'signals.db'));
    // The session clock is driven here: signals are sent at their times without waiting for them.
    let nowSec = 0;
    const api = createLiveApi({ store, env: { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', VIGIL_HOME: join(dir, 'home') }, monotonic: () => BigInt(nowSec * 1e9), listProcesses: processesOfThisTest });
    // An unsigned policy, opened with the developer flag: this is about signals, not configs (app/engine/config).
    await api['policy.parse']({ text: JSON.stringify({ detectors: { face: false, gaze: false, objects: false, liveness: false, identity: false, audio: false }, os: { virtualMachine: 'allow' } }), source: 'exam.json' });
    const { sessionId } = await api['session.start']({});
    nowSec = 25;
    // Alt+Tab away for 6 s (+4), then a paste on return (+5): 9 points, under the flag.
    await api['session.signal']({ sessionId, event: { type: 'key_combo', t: 10, combo: 'alt_tab', keys: 'Alt+Tab', windowFocused: true, blocked: false, evidence: {} } });
    const away = await api['session.signal']({ sessionId, event: { type: 'focus_lost', t: 10.2, end: 16, source: 'os', evidence: { window: 'Firefox' } } });
    expect(away.opened.map((o) => o.type)).toEqual(['focus_lost']);
    const paste = await api['session.signal']({ sessionId, event: { type: 'clipboard', t: 17, action: 'changed', formats: ['text/plain'], evidence: { length: 42 } } });
    expect(paste.flagged).toBe(false);
    // A second switch in the same 30 s makes 13: flagged at once.
    const again = await api['session.signal']({ sessionId, event: { type: 'focus_lost', t: 21, end: 23, source: 'electron', evidence: {} } });
    expect(again.flagged).toBe(true);
    const finished = await api['session.finish']({ sessionId });
    expect(finished.alerts.map((a) => a.type).sort()).toEqual(['clipboard', 'focus_lost', 'focus_lost']);
    expect(finished.flaggedIntervals).toBe(1);
  });

  it('refuse a malformed signal, naming the field', async () => {
    const api = createLiveApi({ store: openStore(join(dir, 'bad.db')), env: { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', VIGIL_HOME: join(dir, 'home2') }, listProcesses: processesOfThisTest });
    await api['policy.parse']({ text: '{}', source: 'exam.json' });
    const { sessionId } = await api['session.start']({});
    await expect(api['session.signal']({ sessionId, event: { type: 'focus_lost', t: -1, end: null, source: 'os', evidence: {} } })).rejects.toThrow(/bad_signal|signal: t: /);
  });
});
