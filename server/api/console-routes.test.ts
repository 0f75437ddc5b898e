/**
 * The console's routes (exam-admin.ts, reviews.ts) through fastify.inject on both databases. Attacks tried and
 * what each got back: a reviewer editing a policy (403), a reviewer listing staff (403), an invigilator reading
 * an exam not theirs (404), a draft smuggling its own quitPasswordHash (400 naming the field), a policy write
 * without the CSRF token (403), an unassigned invigilator reading the monitoring rows (404), an assigned one
 * editing the policy (403), a second reviewer deciding from a stale page (409 naming who changed it), an
 * invigilator writing a review (403), a decision on a flag the session does not have (404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { trustEntry, verifyExamConfig } from '../../app/engine/config/signed-config';
import type { EnrolResponse } from '../../app/engine/sync/protocol';
import { signingKeyPaths } from '../keys';
import { buildChain, enrolment, sampleReport } from '../test/chain';
import type { ReviewView } from './review-view';
import { DATABASES, startTestServer, type TestServer } from '../test/harness';

describe.each(DATABASES)('console routes on %s', (kind) => {
  let server: TestServer;
  let as: Record<'admin' | 'invigilator' | 'reviewer', { cookie: string; csrf: string; userId: string }>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    as = { admin: await server.login('admin'), invigilator: await server.login('invigilator'), reviewer: await server.login('reviewer') };
  });
  afterAll(async () => server?.dispose());

  const call = (role: keyof typeof as, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, csrf = true) =>
    server.app.inject({ method, url, payload, headers: { cookie: as[role].cookie, ...(csrf ? { 'x-csrf-token': as[role].csrf } : {}) } });

  it('names the field and the rule of an invalid policy, and stores a valid one with only the quit password hash', async () => {
    const bad = await call('admin', 'PUT', `/api/v1/exams/${server.examId}/policy`, { policy: { processingFps: 99 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'processingFps', rule: expect.stringMatching(/30/) });
    const check = await call('reviewer', 'POST', '/api/v1/policy/check', { policy: { examUrl: 'https://exam.example.org/a' } });
    expect(check.json()).toMatchObject({ ok: false, field: 'examUrl' });

    const ok = await call('admin', 'PUT', `/api/v1/exams/${server.examId}/policy`, { policy: { processingFps: 10, allowedOrigins: ['https://exam.example.org'] }, quitPassword: 'let me out please' });
    expect(ok.statusCode, ok.body).toBe(200);
    const row = await server.db.db.selectFrom('exams').select('policy').where('id', '=', server.examId).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row.policy);
    expect(stored).not.toContain('let me out please');
    expect(stored).toMatch(/"quitPasswordHash":"scrypt\$32768\$8\$1\$/);
    const seen = await call('invigilator', 'GET', `/api/v1/exams/${server.examId}`);
    expect(seen.statusCode).toBe(404);
    const exam = await call('reviewer', 'GET', `/api/v1/exams/${server.examId}`);
    expect(exam.json()).toMatchObject({ hasQuitPassword: true, policy: { processingFps: 10 } });
    expect(exam.body).not.toContain('scrypt');
    // Saving again without a new quit password keeps the old hash.
    await call('admin', 'PUT', `/api/v1/exams/${server.examId}/policy`, { policy: { processingFps: 11 } });
    expect((await call('admin', 'GET', `/api/v1/exams/${server.examId}`)).json()).toMatchObject({ hasQuitPassword: true, policy: { processingFps: 11 } });
  });

  it('refuses what a role may not do, a smuggled hash and a missing CSRF token', async () => {
    expect((await call('reviewer', 'PUT', `/api/v1/exams/${server.examId}/policy`, { policy: {} })).statusCode).toBe(403);
    expect((await call('reviewer', 'GET', '/api/v1/users')).statusCode).toBe(403);
    const smuggled = await call('admin', 'PUT', `/api/v1/exams/${server.examId}/policy`, { policy: { quitPasswordHash: 'scrypt$1$1$1$AA$AA' } });
    expect(smuggled.statusCode).toBe(400);
    expect(smuggled.json()).toMatchObject({ field: 'quitPasswordHash' });
    expect((await call('admin', 'PUT', `/api/v1/exams/${server.examId}/policy`, { policy: {} }, false)).statusCode).toBe(403);
    // An invigilator sees the monitoring rows of an exam only once assigned to it.
    expect((await call('invigilator', 'GET', `/api/v1/exams/${server.examId}/monitor`)).statusCode).toBe(404);
    await call('admin', 'POST', `/api/v1/exams/${server.examId}/assignments`, { userId: as.invigilator.userId });
    expect((await call('invigilator', 'GET', `/api/v1/exams/${server.examId}/monitor`)).statusCode).toBe(200);
    expect((await call('invigilator', 'PUT', `/api/v1/exams/${server.examId}/policy`, { policy: {} })).statusCode).toBe(403);
    const users = await call('admin', 'GET', '/api/v1/users');
    expect((users.json() as { role: string }[]).map((u) => u.role).sort()).toEqual(['admin', 'invigilator', 'reviewer']);
  });

  it('keeps reviews append-only and refuses a second reviewer deciding from a stale page', async () => {
    const request = enrolment(server.examToken);
    const enrolled = (await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: request })).json() as EnrolResponse;
    const bearer = { authorization: `Bearer ${enrolled.sessionToken}` };
    await server.app.inject({ method: 'POST', url: `/api/v1/sync/sessions/${enrolled.sessionId}/events`, headers: bearer, payload: { protocol: 1, events: buildChain(request.clientSessionId, 3) } });
    const report = { ...sampleReport(request.clientSessionId), alerts: [{ type: 'gaze_away', start: 4, end: 9, severity: 'warning', confidence: 0.8, evidence: { yawDeg: 41, thresholdDeg: 30 } }] };
    expect((await server.app.inject({ method: 'PUT', url: `/api/v1/sync/sessions/${enrolled.sessionId}/report`, headers: bearer, payload: { protocol: 1, kind: 'final', report } })).statusCode).toBe(200);

    const view = await call('reviewer', 'GET', `/api/v1/sessions/${enrolled.sessionId}/review`);
    const body = view.json() as { flags: { key: string; detector: string }[]; notice: string; version: number; status: string; chain: { verified: boolean } };
    expect(body.flags.map((f) => f.key)).toEqual(['interval:0', 'alert:0']); // in time order
    expect(body.notice).toBe('a flag is a reason to look, not a verdict');
    expect(body).toMatchObject({ version: 0, status: 'not_reviewed', chain: { verified: true } });

    const url = `/api/v1/sessions/${enrolled.sessionId}/reviews`;
    expect((await call('invigilator', 'POST', url, { flagKey: 'alert:0', decision: 'dismissed', note: 'x', expectedVersion: 0 })).statusCode).toBe(403);
    expect((await call('reviewer', 'POST', url, { flagKey: 'alert:7', decision: 'dismissed', expectedVersion: 0 })).statusCode).toBe(404);
    const first = await call('reviewer', 'POST', url, { flagKey: 'alert:0', decision: 'dismissed', note: 'looking at notes allowed', expectedVersion: 0 });
    expect(first.statusCode, first.body).toBe(201);
    // The admin opened the page at version 0 too: their write is refused and names who changed it.
    const stale = await call('admin', 'POST', url, { flagKey: 'alert:0', decision: 'confirmed', note: 'turned away', expectedVersion: 0 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'review_changed', current: { reviewer: 'reviewer@example.org', decision: 'dismissed', version: 1 } });
    expect((await call('admin', 'POST', url, { flagKey: 'alert:0', decision: 'confirmed', note: 'turned away', expectedVersion: 1 })).statusCode).toBe(201);
    expect((await call('reviewer', 'POST', url, { flagKey: null, decision: 'suspicious', note: '', expectedVersion: 2 })).statusCode).toBe(201);
    expect((await call('reviewer', 'POST', url, { flagKey: null, decision: 'dismissed', expectedVersion: 3 })).statusCode).toBe(400);
    // The view (ReviewView, the one schema the route answers with) after the decisions: each flag's latest decision,
    // the session's status, the whole history, and the alert's explanation in the engine's own values.
    const after = (await call('reviewer', 'GET', `/api/v1/sessions/${enrolled.sessionId}/review`)).json() as ReviewView;
    expect(after).toMatchObject({ version: 3, status: 'suspicious' });
    expect(after.flags.find((f) => f.key === 'alert:0')).toMatchObject({ detector: 'gaze_away', severity: 'warning', explanation: { yawDeg: 41, thresholdDeg: 30 }, segmentIds: [], decision: { decision: 'confirmed', reviewer: 'admin@example.org', version: 2 } });
    expect(after.reviews.map((r) => r.decision)).toEqual(['dismissed', 'confirmed', 'suspicious']);

    const stats = (await call('reviewer', 'GET', `/api/v1/exams/${server.examId}/review-stats`)).json() as { detectors: { detector: string; confirmed: number; dismissed: number }[]; statuses: Record<string, number> };
    expect(stats.detectors.find((d) => d.detector === 'gaze_away')).toMatchObject({ confirmed: 1, dismissed: 0 });
    expect(stats.statuses.suspicious).toBe(1);
    const csv = await call('reviewer', 'GET', `/api/v1/exams/${server.examId}/review-export?format=csv`);
    // Append-only: the dismissal the admin overruled is still in the history.
    expect(csv.body.split('\n').filter((l) => l.includes('alert:0'))).toHaveLength(2);
    expect(csv.body).toContain('looking at notes allowed');
    const labels = (await call('reviewer', 'GET', `/api/v1/exams/${server.examId}/review-export?format=labels`)).json();
    expect(labels).toEqual([{ sessionId: request.clientSessionId, start: 4, end: 9, cheating: true, reviewer: 'admin@example.org' }]);
  });

  it('publishes an exam as a config signed with the institution key, refusing one without an allowed exam site', async () => {
    const created = (await call('admin', 'POST', '/api/v1/exams', { name: 'Physics 2' })).json() as { examId: string };
    const url = `/api/v1/exams/${created.examId}/publish`;
    const refused = await call('admin', 'POST', url, { serverUrl: 'https://vigil.example.org' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'allowedOrigins', rule: 'a published exam needs at least one allowed exam site' });
    expect((await call('reviewer', 'POST', url, { serverUrl: 'https://vigil.example.org' })).statusCode).toBe(403);
    await call('admin', 'PUT', `/api/v1/exams/${created.examId}/policy`, { policy: { allowedOrigins: ['https://exam.example.org'] }, quitPassword: 'let me out please' });
    const published = await call('admin', 'POST', url, { serverUrl: 'https://vigil.example.org', days: 7 });
    expect(published.statusCode, published.body).toBe(200);
    const { config, link, fileName } = published.json() as { config: string; link: string; fileName: string };
    expect(fileName).toBe('physics-2.vigil-exam');
    // The same signed text as a link the candidate app opens (app/shell/exam-link.ts reads it back).
    expect(link).toBe(`vigil://exam/config/${config}`);
    // The candidate app's verifier, trusting this institution's public key, accepts it.
    const jwk = createPublicKey(readFileSync(signingKeyPaths(server.home).publicKey, 'utf8')).export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
    const verdict = await verifyExamConfig(config, { version: 1, keys: [await trustEntry(jwk, 'test institution')] }, Date.now());
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.claims).toMatchObject({ examId: created.examId, mode: 'exam', server: { url: 'https://vigil.example.org' }, policy: { allowedOrigins: ['https://exam.example.org'] } });
    expect(config).not.toContain('let me out please');
    // The enrolment token inside is the exam's token from now on.
    const enrol = await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: enrolment(verdict.claims.enrolmentToken!) });
    expect(enrol.statusCode).toBe(200);
  });
});
