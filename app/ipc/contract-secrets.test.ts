/**
 * The renderer never receives a secret: the contract's schema for an opened exam refuses a quit password hash,
 * an enrolment token or a SEB Config Key anywhere in the answer, and the engine's real answer passes it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, signExamConfig, trustEntry } from '../engine/config/signed-config';
import { createLiveApi } from '../engine/live/live-api';
import { hashPassword } from '../engine/live/password';
import { openStore } from '../engine/storage/store';
import { channels, isChannel, parseRequest, parseResponse, PolicyCheck } from './contract';

const dir = mkdtempSync(join(tmpdir(), 'vigil-contract-secrets-'));

describe('the renderer-facing exam view', () => {
  it("passes the engine's answer for a signed config that holds every secret, with none of them in it", async () => {
    const key = await generateSigningKey();
    const installerFile = join(dir, 'trust.json');
    writeFileSync(installerFile, JSON.stringify({ version: 1, keys: [await trustEntry(key.publicKey, 'Example University')] }));
    const api = createLiveApi({ store: openStore(join(dir, 'v.db')), env: { ...process.env, VIGIL_HOME: join(dir, 'home') }, trust: { installerFile, machineFile: join(dir, 'none.json') } });
    const quitHash = await hashPassword('let-me-out');
    const jws = await signExamConfig(
      { v: 1, examId: 'maths', mode: 'exam', policy: { quitPasswordHash: quitHash, sebConfigKey: 'd'.repeat(64) }, enrolmentToken: 'token-xyz', iat: 0, exp: Math.floor(Date.now() / 1000) + 600 },
      key.privateKeyPem,
      key.kid,
    );
    const answer = parseResponse('policy.parse', await api['policy.parse']({ text: jws, source: 'maths.vigil-exam' }));
    expect(answer.ok).toBe(true);
    expect(JSON.stringify(answer)).not.toMatch(/token-xyz|scrypt\$|d{64}|quitPasswordHash|enrolmentToken|sebConfigKey/);
  });

  it('refuses a view that carries a secret field, at the top, nested, or beside the exam', () => {
    const view = {
      ok: true,
      policy: { processingFps: 12, allowedOrigins: [], candidateWarnings: 'all', detectors: {}, calibration: { seconds: 8 }, intervals: { seconds: 30, flagThreshold: 10, weights: {} }, rules: {}, evidence: { preRollSec: 3, postRollSec: 3 }, hasQuitPassword: true },
      exam: { mode: 'exam', examId: 'maths', signer: 'Example University', expiresAt: null, serverUrl: null },
    };
    expect(PolicyCheck.safeParse(view).success).toBe(true);
    const attempts = {
      quitHashInPolicy: { ...view, policy: { ...view.policy, quitPasswordHash: 'scrypt$...' } },
      tokenInExam: { ...view, exam: { ...view.exam, enrolmentToken: 'token' } },
      tokenNested: { ...view, policy: { ...view.policy, os: { extra: { enrolmentToken: 'token' } } } },
      sebKeyInPolicy: { ...view, policy: { ...view.policy, sebConfigKey: 'd'.repeat(64) } },
      tokenBesideTheView: { ...view, enrolmentToken: 'token' },
    };
    const got = Object.fromEntries(Object.entries(attempts).map(([name, value]) => {
      const result = PolicyCheck.safeParse(value);
      return [name, result.success ? 'passed' : `${result.error.issues[0]!.path.join('.')}: ${result.error.issues[0]!.message}`];
    }));
    expect(got).toEqual({
      quitHashInPolicy: 'policy.quitPasswordHash: is a secret the engine keeps; the renderer may not receive it',
      tokenInExam: expect.stringMatching(/enrolmentToken/),
      tokenNested: 'policy.os.extra.enrolmentToken: is a secret the engine keeps; the renderer may not receive it',
      sebKeyInPolicy: 'policy.sebConfigKey: is a secret the engine keeps; the renderer may not receive it',
      tokenBesideTheView: expect.stringMatching(/enrolmentToken/),
    });
  });

  it('gives the page no way to the whole policy or to choose the policy a session runs on', () => {
    // exam.current is the main process's; the page's requests are parsed by the contract, which does not know it.
    expect(isChannel('exam.current')).toBe(false);
    expect(() => parseRequest('session.start', { policy: { detectors: { face: false } } })).toThrow(/session\.start: .*policy/);
    expect(() => parseRequest('identity.begin', { policy: {} })).toThrow(/identity\.begin: .*policy/);
    expect(Object.keys(channels)).toContain('exam.practice');
  });
});
