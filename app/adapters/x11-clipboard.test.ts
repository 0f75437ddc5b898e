import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClipboardGuard } from '../engine/signals/clipboard';
import type { SignalEvent } from '../engine/signals/events';
import { signalAlerts } from '../engine/signals/scoring';
import { createSessionClock } from '../engine/signals/session-clock';
import { requireTool, startXvfb, type XServer } from '../engine/signals/testing/x-server';
import { createX11Clipboard } from './x11-clipboard';

/** Another X client copying (or, into PRIMARY, selecting) text, as a candidate's other app would. */
async function copyFromAnotherClient(server: XServer, text: string, selection: 'clipboard' | 'primary' = 'clipboard'): Promise<void> {
  const child = spawn('xclip', ['-selection', selection, '-i'], { env: server.env, stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = once(child, 'exit');
  child.stdin.end(text);
  await exited;
}

// One Xvfb for both selections' specs: each clears what it set.
let server: XServer;
beforeAll(async () => {
  requireTool('xclip');
  server = await startXvfb();
});
afterAll(async () => {
  await server?.stop();
});

describe('the clipboard guard on a real X clipboard (xclip under Xvfb)', () => {
  it('clears at the start, records changes with a fingerprint but no content, and clears at the end', async () => {
    const clipboard = createX11Clipboard(server.env);
    await copyFromAnotherClient(server, 'answer smuggled in');
    expect((await clipboard.read()).text).toBe('answer smuggled in');

    const events: SignalEvent[] = [];
    const guard = createClipboardGuard({ clipboard, clock: createSessionClock(), sink: (e) => events.push(e) });
    await guard.perform();
    expect(events).toMatchObject([{ type: 'clipboard', action: 'cleared', evidence: { reason: 'exam_start', emptyAfter: true } }]);
    expect((await clipboard.read()).text).toBe('');

    expect((await guard.perform()).changed).toBeNull();
    await copyFromAnotherClient(server, 'copied during the exam');
    const { changed } = await guard.perform();
    expect(changed).toMatchObject({ type: 'clipboard', action: 'changed', formats: expect.arrayContaining(['UTF8_STRING']), evidence: { length: 22, sha256: expect.stringMatching(/^[0-9a-f]{16}$/), source: 'xclip' } });
    expect(JSON.stringify(events)).not.toContain('copied during the exam');

    await copyFromAnotherClient(server, 'copied during the exam');
    expect((await guard.perform()).changed).toBeNull(); // same content, no new copy to record

    await guard.revert();
    expect(events.at(-1)).toMatchObject({ action: 'cleared', evidence: { reason: 'exam_end' } });
    expect((await clipboard.read()).text).toBe('');
  });
});

describe('the PRIMARY selection (middle-click paste) on a real X server', () => {
  it('is cleared at the start, a selection made in another client is recorded (not scored), cleared at the end', async () => {
    const select = (text: string) => copyFromAnotherClient(server, text, 'primary');
    const primary = createX11Clipboard(server.env, 'primary');
    await select('selected before the exam');
    const events: SignalEvent[] = [];
    const guard = createClipboardGuard({ clipboard: primary, clock: createSessionClock(), sink: (e) => events.push(e) });
    await guard.perform();
    expect((await primary.read()).text).toBe('');
    await select('selected in another window');
    expect((await guard.perform()).changed).toMatchObject({ action: 'changed', evidence: { selection: 'primary', length: 'selected in another window'.length, source: 'xclip' } });
    // The CLIPBOARD selection is untouched by a PRIMARY selection, and the other way round.
    expect((await createX11Clipboard(server.env).read()).text).not.toBe('selected in another window');
    await guard.revert();
    expect((await primary.read()).text).toBe('');
    expect(events.map((e) => (e.type === 'clipboard' ? `${e.action}:${String(e.evidence.selection)}` : e.type))).toEqual(['cleared:primary', 'changed:primary', 'cleared:primary']);
    // Selecting text happens in the exam page too: recorded, never a copy/paste alert.
    expect(signalAlerts(events)).toEqual([]);
  });
});
