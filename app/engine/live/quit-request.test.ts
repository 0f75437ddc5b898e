import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../storage/store';
import { createLiveApi } from './live-api';
import { hashPassword } from './password';
import { lockSeconds, QuitRequests, type QuitAttempt } from './quit-request';
import { processesOfThisTest } from '../signals/testing/own-processes';

describe('quit requests', () => {
  it('accept only the quit password and count every wrong one', async () => {
    const quit = new QuitRequests(await hashPassword('let-me-out'));
    expect(quit.note()).toBeUndefined();
    expect(await quit.check('let me out')).toEqual({ ok: false, reason: 'wrong_password', refused: 1, retryAfterSec: 0 });
    expect(await quit.check('LET-ME-OUT')).toEqual({ ok: false, reason: 'wrong_password', refused: 2, retryAfterSec: 0 });
    expect(quit.note()).toBe('Quit: 2 wrong quit passwords typed during the exam; the exam was not ended by it.');
    expect(await quit.check('let-me-out')).toEqual({ ok: true });
    expect(quit.note()).toBe("Quit: the exam was ended early with the invigilator's quit password (after 2 wrong quit passwords).");
  });

  it('refuse every password when the policy has no quit password, without counting it as a guess', async () => {
    const quit = new QuitRequests(undefined);
    expect(await quit.check('anything')).toEqual({ ok: false, reason: 'no_quit_password', refused: 0, retryAfterSec: 0 });
    expect(quit.note()).toBeUndefined();
  });

  it('lock the prompt after three wrong passwords, for a time that doubles with each further wrong one', async () => {
    let now = 0;
    const attempts: QuitAttempt[] = [];
    const quit = new QuitRequests(await hashPassword('let-me-out'), { now: () => now, onAttempt: (a) => attempts.push(a) });
    for (const n of [1, 2]) expect(await quit.check(`guess ${n}`)).toMatchObject({ reason: 'wrong_password', retryAfterSec: 0 });
    expect(await quit.check('guess 3')).toEqual({ ok: false, reason: 'wrong_password', refused: 3, retryAfterSec: 30 });
    // While locked even the right password is not looked at: guessing faster gains nothing.
    now += 10_000;
    expect(await quit.check('let-me-out')).toEqual({ ok: false, reason: 'locked', refused: 3, retryAfterSec: 20 });
    now += 20_000;
    expect(await quit.check('guess 4')).toMatchObject({ reason: 'wrong_password', refused: 4, retryAfterSec: 60 });
    now += 60_000;
    expect(await quit.check('guess 5')).toMatchObject({ reason: 'wrong_password', refused: 5, retryAfterSec: 120 });
    now += 120_000;
    expect(await quit.check('let-me-out')).toEqual({ ok: true });
    expect(attempts.map((a) => `${a.outcome}:${a.lockedForSec}`)).toEqual(['wrong_password:0', 'wrong_password:0', 'wrong_password:30', 'locked:20', 'wrong_password:60', 'wrong_password:120', 'accepted:0']);
  });

  it('cap the lock at 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map((n) => lockSeconds(n))).toEqual([0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
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
  let clock = Date.parse('2026-12-05T10:00:00Z');
  // Unsigned policies with the developer flag: this is about quitting, not configs (app/engine/config).
  const api = createLiveApi({ store, env: { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', VIGIL_HOME: join(dir, 'home') }, now: () => clock , listProcesses: processesOfThisTest });
  /** Opens an exam without camera or microphone pipeline (this is about the session's life) and starts it. */
  const start = async (quitPassword?: string) => {
    const policy = { detectors: { face: false, audio: false }, ...(quitPassword ? { quitPasswordHash: await hashPassword(quitPassword) } : {}) };
    await api['policy.parse']({ text: JSON.stringify(policy), source: 'exam.json' });
    return api['session.start']({});
  };

  it("checks the password against the session's policy, and the stored report says how the exam ended", async () => {
    const { sessionId } = await start('let-me-out');
    expect(await api['session.quit']({ sessionId, password: 'open sesame' })).toEqual({ ok: false, reason: 'wrong_password', refused: 1, retryAfterSec: 0 });
    expect(await api['session.quit']({ sessionId, password: 'let-me-out' })).toEqual({ ok: true });
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes).toContain("Quit: the exam was ended early with the invigilator's quit password (after 1 wrong quit password).");
    const row = store.reports.list().find((r) => r.sessionId === finished.sessionId);
    expect((store.reports.getJson(row!.id) as { notes: string[] }).notes).toEqual(finished.notes);
    await expect(api['session.quit']({ sessionId, password: 'let-me-out' })).rejects.toThrow(/no live session/);
  });

  it('keeps wrong guesses in the report of an exam that was handed in normally', async () => {
    const { sessionId } = await start('let-me-out');
    await api['session.quit']({ sessionId, password: 'guess' });
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes).toContain('Quit: 1 wrong quit password typed during the exam; the exam was not ended by it.');
  });

  it('says when the exam has no quit password, and notes nothing', async () => {
    const { sessionId } = await start();
    expect(await api['session.quit']({ sessionId, password: 'let-me-out' })).toEqual({ ok: false, reason: 'no_quit_password', refused: 0, retryAfterSec: 0 });
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes.filter((n) => n.startsWith('Quit:'))).toEqual([]);
  });

  it('locks the prompt in the engine too, and puts every attempt in the session\'s hash chain', async () => {
    const { sessionId } = await start('let-me-out');
    for (const guess of ['a', 'b', 'c']) await api['session.quit']({ sessionId, password: guess });
    expect(await api['session.quit']({ sessionId, password: 'let-me-out' })).toMatchObject({ ok: false, reason: 'locked', retryAfterSec: 30 });
    clock += 30_000;
    expect(await api['session.quit']({ sessionId, password: 'let-me-out' })).toEqual({ ok: true });
    const finished = await api['session.finish']({ sessionId });
    const events = store.events.list(finished.sessionId).filter((e) => e.type === 'quit.attempt');
    expect(events.map((e) => (e.payload as QuitAttempt).outcome)).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'locked', 'accepted']);
    expect(store.events.verifyChain(finished.sessionId)).toMatchObject({ ok: true });
  });
});
