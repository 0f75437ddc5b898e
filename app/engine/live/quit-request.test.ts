import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../storage/store';
import { createLiveApi } from './live-api';
import { hashPassword } from './password';
import { QuitRequests } from './quit-request';

describe('quit requests', () => {
  it('accept only the quit password and count every wrong one', async () => {
    const quit = new QuitRequests(await hashPassword('let-me-out'));
    expect(quit.note()).toBeUndefined();
    expect(await quit.check('let me out')).toEqual({ ok: false, reason: 'wrong_password', refused: 1 });
    expect(await quit.check('LET-ME-OUT')).toEqual({ ok: false, reason: 'wrong_password', refused: 2 });
    expect(quit.note()).toBe('Quit: 2 wrong quit passwords typed during the exam; the exam was not ended by it.');
    expect(await quit.check('let-me-out')).toEqual({ ok: true });
    expect(quit.note()).toBe("Quit: the exam was ended early with the invigilator's quit password (after 2 wrong quit passwords).");
  });

  it('refuse every password when the policy has no quit password, without counting it as a guess', async () => {
    const quit = new QuitRequests(undefined);
    expect(await quit.check('anything')).toEqual({ ok: false, reason: 'no_quit_password', refused: 0 });
    expect(quit.note()).toBeUndefined();
  });

  it('note an accepted quit with no wrong attempts plainly', async () => {
    const quit = new QuitRequests(await hashPassword('let-me-out'));
    expect(await quit.check('let-me-out')).toEqual({ ok: true });
    expect(quit.note()).toBe("Quit: the exam was ended early with the invigilator's quit password.");
  });
});

describe('session.quit in the engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-quit-'));
  const store = openStore(join(dir, 'vigil.db'));
  const api = createLiveApi({ store, env: { ...process.env, VIGIL_HOME: join(dir, 'home') } });
  /** No camera or microphone pipeline: this is about the session's life, not its analysis. */
  const policy = async (quitPassword?: string) => ({ detectors: { face: false, audio: false }, ...(quitPassword ? { quitPasswordHash: await hashPassword(quitPassword) } : {}) });

  it("checks the password against the session's policy, and the stored report says how the exam ended", async () => {
    const { sessionId } = await api['session.start']({ policy: await policy('let-me-out') });
    expect(await api['session.quit']({ sessionId, password: 'open sesame' })).toEqual({ ok: false, reason: 'wrong_password', refused: 1 });
    expect(await api['session.quit']({ sessionId, password: 'let-me-out' })).toEqual({ ok: true });
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes).toContain("Quit: the exam was ended early with the invigilator's quit password (after 1 wrong quit password).");
    const row = store.reports.list().find((r) => r.sessionId === finished.sessionId);
    expect((store.reports.getJson(row!.id) as { notes: string[] }).notes).toEqual(finished.notes);
    await expect(api['session.quit']({ sessionId, password: 'let-me-out' })).rejects.toThrow(/no live session/);
  });

  it('keeps wrong guesses in the report of an exam that was handed in normally', async () => {
    const { sessionId } = await api['session.start']({ policy: await policy('let-me-out') });
    await api['session.quit']({ sessionId, password: 'guess' });
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes).toContain('Quit: 1 wrong quit password typed during the exam; the exam was not ended by it.');
  });

  it('says when the exam has no quit password, and notes nothing', async () => {
    const { sessionId } = await api['session.start']({ policy: await policy() });
    expect(await api['session.quit']({ sessionId, password: 'let-me-out' })).toEqual({ ok: false, reason: 'no_quit_password', refused: 0 });
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes.filter((n) => n.startsWith('Quit:'))).toEqual([]);
  });
});
