/**
 * Bad input and abuse, each answered with a clear error and nothing stored. Every attack and what it got back is
 * listed at the end of the run (the "attacks" table), on both databases.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../app/engine/sync/protocol';
import { buildChain, enrolment, heartbeat } from './test/chain';
import { DATABASES, startTestServer, type TestServer } from './test/harness';
import { sha256, tusCreate, tusPatch } from './test/tus';

const attacks: { database: string; attack: string; got: string }[] = [];
afterAll(() => {
  console.log(`attacks tried and what each got back:\n${attacks.map((a) => `  [${a.database}] ${a.attack} -> ${a.got}`).join('\n')}`);
});

describe.each(DATABASES)('abuse on %s', (kind) => {
  let server: TestServer;
  let base: string;
  let a: EnrolResponse & { clientSessionId: string };
  let b: EnrolResponse & { clientSessionId: string };
  const record = (attack: string, status: number, body: string) => attacks.push({ database: kind, attack, got: `${status} ${body.trim().slice(0, 160)}` });

  beforeAll(async () => {
    server = await startTestServer(kind);
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const enrol = async () => {
      const request = enrolment(server.examToken);
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: request });
      return { ...(res.json() as EnrolResponse), clientSessionId: request.clientSessionId };
    };
    a = await enrol();
    b = await enrol();
  });
  afterAll(async () => server?.dispose());

  const eventCount = async (sessionId: string) => Number((await server.db.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).where('session_id', '=', sessionId).executeTakeFirstOrThrow()).n);
  const evidenceCount = async () => Number((await server.db.db.selectFrom('evidence').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it("refuses another session's token", async () => {
    const res = await server.app.inject({ method: 'POST', url: `/api/v1/sync/sessions/${b.sessionId}/events`, headers: { authorization: `Bearer ${a.sessionToken}` }, payload: { protocol: 1, events: buildChain(b.clientSessionId, 2) } });
    record("events for session B with session A's token", res.statusCode, res.body);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'wrong_session' });
    expect(await eventCount(b.sessionId)).toBe(0);
  });

  it.each([
    ['an unknown token', `Bearer ${randomBytes(32).toString('base64url')}`],
    ['a malformed token', 'Bearer ../../etc/passwd'],
    ['no token', ''],
  ])('refuses %s', async (what, header) => {
    const res = await server.app.inject({ method: 'POST', url: `/api/v1/sync/sessions/${a.sessionId}/heartbeat`, headers: header ? { authorization: header } : {}, payload: heartbeat() });
    record(`heartbeat with ${what}`, res.statusCode, res.body);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'bad_token' });
  });

  it('refuses an oversized batch and a malformed one, storing nothing', async () => {
    const huge = buildChain(a.clientSessionId, 1).map((e) => ({ ...e, payload: { blob: 'x'.repeat(1_100_000) } }));
    const big = await server.app.inject({ method: 'POST', url: `/api/v1/sync/sessions/${a.sessionId}/events`, headers: { authorization: `Bearer ${a.sessionToken}` }, payload: { protocol: 1, events: huge } });
    record('event batch of 1.1 MB', big.statusCode, big.body);
    expect(big.statusCode).toBe(413);
    for (const [what, payload] of [
      ['batch without events', { protocol: 1 }],
      ['batch with a non-hex hash', { protocol: 1, events: [{ ...buildChain(a.clientSessionId, 1)[0]!, hash: 'not-a-hash' }] }],
      ['batch of 501 events', { protocol: 1, events: buildChain(a.clientSessionId, 501) }],
      ['batch from protocol 2', { protocol: 2, events: buildChain(a.clientSessionId, 1) }],
    ] as const) {
      const res = await server.app.inject({ method: 'POST', url: `/api/v1/sync/sessions/${a.sessionId}/events`, headers: { authorization: `Bearer ${a.sessionToken}` }, payload });
      record(what, res.statusCode, res.body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid' });
    }
    const notJson = await server.app.inject({ method: 'POST', url: `/api/v1/sync/sessions/${a.sessionId}/events`, headers: { authorization: `Bearer ${a.sessionToken}`, 'content-type': 'application/json' }, payload: '{"protocol":1,' });
    record('batch that is not JSON', notJson.statusCode, notJson.body);
    expect(notJson.statusCode).toBe(400);
    expect(await eventCount(a.sessionId)).toBe(0);
  });

  it('refuses wrong Upload-Metadata and stores no upload', async () => {
    const good = { sessionId: a.sessionId, segmentId: '1', sha256: 'a'.repeat(64), mime: 'video/mp4' };
    const cases: [string, Record<string, string>, string | null, number][] = [
      ['missing sha256', { sessionId: a.sessionId, segmentId: '1', mime: 'video/mp4' }, a.sessionToken, 400],
      ['an extra key (filename with a path)', { ...good, filename: '../../etc/passwd' }, a.sessionToken, 400],
      ['a path in segmentId', { ...good, segmentId: '../1' }, a.sessionToken, 400],
      ['a mime type outside the list', { ...good, mime: 'text/html' }, a.sessionToken, 400],
      ["session B's id with session A's token", { ...good, sessionId: b.sessionId }, a.sessionToken, 403],
      ['no token', good, null, 401],
    ];
    for (const [what, meta, token, status] of cases) {
      const res = await tusCreate(base, token, 10, meta);
      record(`evidence upload with ${what}`, res.status, res.body);
      expect(res.status, what).toBe(status);
    }
    expect(await evidenceCount()).toBe(0);
  });

  it('refuses path tricks in upload and session ids', async () => {
    for (const id of ['..%2F..%2F..%2Fetc%2Fpasswd', '..', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await tusPatch(`${base}/api/v1/sync/evidence/${id}`, a.sessionToken, 0, Buffer.from('x'));
      record(`PATCH upload id ${id}`, res.status, res.body);
      expect([404, 400]).toContain(res.status);
    }
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/sync/sessions/..%2F..%2Fadmin/events', headers: { authorization: `Bearer ${a.sessionToken}` }, payload: { protocol: 1, events: buildChain(a.clientSessionId, 1) } });
    record('events for session id ../../admin', res.statusCode, res.body);
    expect(res.statusCode).toBe(400);
    expect(readdirSync(join(server.home, 'evidence', 'uploads')).filter((f) => !f.endsWith('.json'))).toEqual([]);
  });

  it("refuses one session's upload to another session's token, and quarantines a clip whose bytes do not match its sha256", async () => {
    const clip = randomBytes(50_000);
    const created = await tusCreate(base, a.sessionToken, clip.length, { sessionId: a.sessionId, segmentId: '7', sha256: sha256(clip), mime: 'video/mp4' });
    expect(created.status).toBe(201);
    const url = new URL(created.location!, `${base}/api/v1/sync/evidence/`).href;
    const stolen = await tusPatch(url, b.sessionToken, 0, clip);
    record("PATCH session A's upload with session B's token", stolen.status, stolen.body);
    expect(stolen.status).toBe(403);
    const tampered = Buffer.from(clip);
    tampered[100] = tampered[100]! ^ 0xff;
    const res = await tusPatch(url, a.sessionToken, 0, tampered);
    record('clip whose bytes do not match its sha256', res.status, res.body);
    expect(res.status).toBe(460);
    expect(res.body).toMatch(/sha256_mismatch/);
    const row = await server.db.db.selectFrom('evidence').select(['status', 'upload_id']).where('session_id', '=', a.sessionId).executeTakeFirstOrThrow();
    expect(row.status).toBe('quarantined');
    expect(existsSync(join(server.home, 'evidence', 'quarantine', row.upload_id))).toBe(true);
    expect(existsSync(join(server.home, 'evidence', 'uploads', row.upload_id))).toBe(false);
  });

  it('checks roles and CSRF on staff routes', async () => {
    const reviewer = await server.login('reviewer');
    const invigilator = await server.login('invigilator');
    const admin = await server.login('admin');
    const cases: [string, InjectOptions, number][] = [
      ['reviewer creating an exam (admin route)', { method: 'POST', url: '/api/v1/exams', headers: { cookie: reviewer.cookie, 'x-csrf-token': reviewer.csrf }, payload: { name: 'x' } }, 403],
      ['invigilator deleting a session (admin route)', { method: 'DELETE', url: `/api/v1/sessions/${a.sessionId}`, headers: { cookie: invigilator.cookie, 'x-csrf-token': invigilator.csrf } }, 403],
      ['invigilator reading a session of an exam not assigned to them', { method: 'GET', url: `/api/v1/sessions/${a.sessionId}`, headers: { cookie: invigilator.cookie } }, 404],
      ['no cookie listing reports', { method: 'GET', url: '/api/v1/reports' }, 401],
      ["a candidate's session token on a staff route", { method: 'GET', url: '/api/v1/reports', headers: { authorization: `Bearer ${a.sessionToken}` } }, 401],
      ['admin creating an exam without the CSRF token', { method: 'POST', url: '/api/v1/exams', headers: { cookie: admin.cookie }, payload: { name: 'x' } }, 403],
      ['admin creating an exam with a forged CSRF token', { method: 'POST', url: '/api/v1/exams', headers: { cookie: admin.cookie, 'x-csrf-token': 'forged' }, payload: { name: 'x' } }, 403],
    ];
    for (const [what, request, status] of cases) {
      const res = await server.app.inject(request);
      record(what, res.statusCode, res.body);
      expect(res.statusCode, what).toBe(status);
    }
    const exams = await server.db.db.selectFrom('exams').select('id').execute();
    expect(exams).toHaveLength(1);
    const ok = await server.app.inject({ method: 'POST', url: '/api/v1/exams', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: { name: 'x' } });
    expect(ok.statusCode).toBe(201);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, and rate-limits a burst of wrong passwords', async () => {
    const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.9.8', payload: { email: 'admin@example.org', password: 'correct horse battery staple' } });
    const cookie = login.cookies.find((c) => c.name === 'vigil_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(login.headers['x-frame-options']).toBe('SAMEORIGIN');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.9.9', payload: { email: 'admin@example.org', password: `guess-${i}` } });
      statuses.push(res.statusCode);
      if (i === 7) record('8 wrong passwords in a row from one address', res.statusCode, `${statuses.join(',')} ${res.body}`);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });
});
