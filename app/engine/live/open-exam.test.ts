/**
 * The candidate app's way into an exam goes through verification in the engine: every refused config leaves
 * nothing open and nothing stored, and what goes back to the renderer never carries a secret.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, signExamConfig, trustEntry, type ExamConfigClaims } from '../config/signed-config';
import { openStore } from '../storage/store';
import { createLiveApi } from './live-api';
import { hashPassword } from './password';
import { processesOfThisTest } from '../signals/testing/own-processes';

const dir = mkdtempSync(join(tmpdir(), 'vigil-open-exam-'));
const NOW = Date.parse('2026-12-05T12:00:00Z');
const institution = await generateSigningKey();
const stranger = await generateSigningKey();
const installerFile = join(dir, 'trust.json');
writeFileSync(installerFile, JSON.stringify({ version: 1, keys: [await trustEntry(institution.publicKey, 'Example University', { servers: [{ url: 'https://exams.example.edu' }] })] }));
const quitHash = await hashPassword('let-me-out');
const claims = (over: Partial<ExamConfigClaims> = {}): ExamConfigClaims => ({
  v: 1,
  examId: 'maths-101',
  mode: 'exam',
  policy: { detectors: { face: false, audio: false }, quitPasswordHash: quitHash, sebConfigKey: 'c'.repeat(64) },
  server: { url: 'https://exams.example.edu' },
  enrolmentToken: 'enrol-secret-123',
  iat: Math.floor(NOW / 1000) - 60,
  exp: Math.floor(NOW / 1000) + 3600,
  ...over,
});

function engine(name: string, env: NodeJS.ProcessEnv = {}) {
  const store = openStore(join(dir, `${name}.db`));
  const api = createLiveApi({ store, env: { ...process.env, VIGIL_ALLOW_UNSIGNED: undefined, ...env, VIGIL_HOME: join(dir, name) }, trust: { installerFile, machineFile: join(dir, 'no-machine-trust.json') }, now: () => NOW , listProcesses: processesOfThisTest });
  return { store, api };
}

describe('opening an exam in the engine', () => {
  it('refuses tampered, unknown-key, expired, wrong-server and unsigned configs, each with its own reason, and stores no session', async () => {
    const { store, api } = engine('refusals');
    const good = await signExamConfig(claims(), institution.privateKeyPem, institution.kid);
    const [h, , s] = good.split('.');
    const attacks = {
      tampered: `${h}.${Buffer.from(JSON.stringify(claims({ policy: { detectors: { face: false, gaze: false } } }))).toString('base64url')}.${s}`,
      unknownKey: await signExamConfig(claims(), stranger.privateKeyPem, stranger.kid),
      expired: await signExamConfig(claims({ exp: Math.floor(NOW / 1000) - 1 }), institution.privateKeyPem, institution.kid),
      wrongServer: await signExamConfig(claims({ server: { url: 'https://collect.example.com' } }), institution.privateKeyPem, institution.kid),
      unsigned: JSON.stringify({ detectors: { face: false } }),
    };
    const got: Record<string, unknown> = {};
    for (const [attack, text] of Object.entries(attacks)) {
      const answer = await api['policy.parse']({ text, source: 'exam.vigil-exam' });
      got[attack] = answer.ok ? 'opened' : answer.reason;
      if (!answer.ok) expect(answer.message.split('\n')).toHaveLength(1);
      await expect(api['session.start']({})).rejects.toThrow(/no exam is open/);
    }
    expect(got).toEqual({ tampered: 'bad_signature', unknownKey: 'unpinned_key', expired: 'expired', wrongServer: 'server_mismatch', unsigned: 'unsigned' });
    expect(store.sessions.list()).toHaveLength(0);
    expect(store.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it("checks the invigilator's draft without opening it as an exam, even when unsigned", async () => {
    const { api } = engine('check');
    expect(await api['policy.check']({ text: JSON.stringify({ processingFps: 7, quitPasswordHash: quitHash }), source: 'draft' })).toMatchObject({ ok: true, policy: { processingFps: 7, hasQuitPassword: true } });
    expect(JSON.stringify(await api['policy.check']({ text: JSON.stringify({ quitPasswordHash: quitHash }), source: 'draft' }))).not.toContain(quitHash);
    expect(await api['policy.check']({ text: '{"processingFps": 90}', source: 'draft' })).toMatchObject({ ok: false, field: 'processingFps' });
    await expect(api['session.start']({})).rejects.toThrow(/no exam is open/);
  });

  it('closes an open exam when the next config is refused, so a refused config never runs on the old one', async () => {
    const { api } = engine('replace');
    expect((await api['policy.parse']({ text: await signExamConfig(claims(), institution.privateKeyPem, institution.kid), source: 'a' })).ok).toBe(true);
    expect((await api['policy.parse']({ text: '{}', source: 'b' })).ok).toBe(false);
    await expect(api['session.start']({})).rejects.toThrow(/no exam is open/);
  });

  it('gives the renderer a view without the quit password hash, the enrolment token or the SEB key, and starts the session on the verified policy', async () => {
    const { store, api } = engine('view');
    const answer = await api['policy.parse']({ text: await signExamConfig(claims(), institution.privateKeyPem, institution.kid), source: 'exam.vigil-exam' });
    if (!answer.ok) throw new Error(answer.message);
    const wire = JSON.stringify(answer);
    for (const secret of ['enrol-secret-123', quitHash, 'c'.repeat(64), 'quitPasswordHash', 'enrolmentToken', 'sebConfigKey']) expect(wire).not.toContain(secret);
    expect(answer.policy.hasQuitPassword).toBe(true);
    expect(answer.exam).toEqual({ mode: 'exam', examId: 'maths-101', signer: 'Example University', expiresAt: new Date((Math.floor(NOW / 1000) + 3600) * 1000).toISOString(), serverUrl: 'https://exams.example.edu' });
    // The main process (not the page) gets the whole policy for the lockdown and the SEB header.
    expect((await api['exam.current']({})).policy).toMatchObject({ quitPasswordHash: quitHash, sebConfigKey: 'c'.repeat(64) });
    const { sessionId } = await api['session.start']({});
    expect(await api['session.quit']({ sessionId, password: 'let-me-out' })).toEqual({ ok: true });
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes.find((n) => n.startsWith('Exam config:'))).toBe(`Exam config: maths-101, signed by "Example University", valid until ${answer.exam.expiresAt}.`);
    expect(store.reports.list().find((r) => r.sessionId === finished.sessionId)?.examId).toBe('maths-101');
  });

  it('opens unsigned policies only with the developer flag, and the report says "unsigned exam: for testing only"', async () => {
    const { api } = engine('unsigned', { VIGIL_ALLOW_UNSIGNED: '1' });
    const answer = await api['policy.parse']({ text: JSON.stringify({ detectors: { face: false, audio: false } }), source: 'exam.json' });
    expect(answer).toMatchObject({ ok: true, exam: { mode: 'unsigned', signer: null } });
    const { sessionId } = await api['session.start']({});
    expect((await api['session.finish']({ sessionId })).notes.find((n) => n.startsWith('Exam config:'))).toMatch(/^Exam config: unsigned exam: for testing only/);
  });

  it('offers the built-in practice exam, whose report says practice', async () => {
    const { api } = engine('practice');
    expect(await api['exam.practice']({})).toMatchObject({ ok: true, exam: { mode: 'practice', examId: 'vigil-practice', serverUrl: null } });
    const { sessionId } = await api['session.start']({});
    expect((await api['session.finish']({ sessionId })).notes.find((n) => n.startsWith('Exam config:'))).toMatch(/^Exam config: practice/);
  });

  it('loads a saved signed config named by a vigil:// link through the same verification', async () => {
    const { api } = engine('link');
    mkdirSync(join(dir, 'link', 'policies'), { recursive: true });
    writeFileSync(join(dir, 'link', 'policies', 'maths.vigil-exam'), await signExamConfig(claims(), institution.privateKeyPem, institution.kid));
    writeFileSync(join(dir, 'link', 'policies', 'edited.vigil-exam'), await signExamConfig(claims(), stranger.privateKeyPem, stranger.kid));
    expect(await api['policy.load']({ name: 'maths' })).toMatchObject({ ok: true, exam: { examId: 'maths-101' } });
    expect(await api['policy.load']({ name: 'edited' })).toMatchObject({ ok: false, reason: 'unpinned_key' });
  });
});
