/**
 * Who may pause a candidate (`POST /api/v1/sessions/{id}/instructions` with `kind: pause`), through fastify.inject
 * on both databases, with the candidate as the attacker. Attacks tried and what each got back:
 *   no cookie                                   → 401, nothing queued
 *   a reviewer                                  → 403
 *   an invigilator not assigned to the exam     → 404 (the session is not even said to exist)
 *   an assigned invigilator without CSRF token  → 403
 *   the candidate's own session token (bearer)  → 401: a session token is no staff credential
 *   the candidate posting a pause on the sync API (no such route) → 404
 *   the candidate's heartbeat confirming an id it was never given, or another session's pause → nothing confirmed
 * Allowed: the exam's assigned invigilator and an admin (201); each pause is audited with who sent it, and reaches
 * only its own session's heartbeat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse, HeartbeatResponse } from '../../app/engine/sync/protocol';
import { enrolment } from '../test/chain';
import { DATABASES, startTestServer, type TestServer } from '../test/harness';
import { createExam } from '../store/exams';

describe.each(DATABASES)('pausing a candidate on %s', (kind) => {
  let server: TestServer;
  let as: Record<'admin' | 'invigilator' | 'reviewer', { cookie: string; csrf: string; userId: string }>;
  let mine: EnrolResponse;
  let foreign: EnrolResponse;

  const enrol = async (token: string) => (await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: enrolment(token) })).json() as EnrolResponse;
  const pause = (sessionId: string, headers: Record<string, string>) =>
    server.app.inject({ method: 'POST', url: `/api/v1/sessions/${sessionId}/instructions`, headers, payload: { kind: 'pause', message: 'Wait for the invigilator.' } });
  const staff = (role: keyof typeof as, csrf = true) => ({ cookie: as[role].cookie, ...(csrf ? { 'x-csrf-token': as[role].csrf } : {}) });
  const heartbeat = (session: EnrolResponse, confirmed: string[] = []) =>
    server.app.inject({
      method: 'POST',
      url: `/api/v1/sync/sessions/${session.sessionId}/heartbeat`,
      headers: { authorization: `Bearer ${session.sessionToken}` },
      payload: { protocol: 1, clock: new Date().toISOString(), intervalScore: 0, riskLevel: 'CLEAN', activeWarnings: [], pendingOutbox: 0, chainHead: { seq: 0, hash: '' }, confirmed },
    });
  const queued = async (sessionId: string) => server.db.db.selectFrom('instructions').select(['id', 'kind', 'confirmed_at']).where('session_id', '=', sessionId).execute();

  beforeAll(async () => {
    server = await startTestServer(kind);
    as = { admin: await server.login('admin'), invigilator: await server.login('invigilator'), reviewer: await server.login('reviewer') };
    // The invigilator watches this exam only; the other exam is someone else's.
    expect((await server.app.inject({ method: 'POST', url: `/api/v1/exams/${server.examId}/assignments`, headers: staff('admin'), payload: { userId: as.invigilator.userId } })).statusCode).toBe(204);
    const other = await createExam(server.db.db, { name: 'Chemistry 2' });
    mine = await enrol(server.examToken);
    foreign = await enrol(other.enrolmentToken);
  });
  afterAll(async () => server?.dispose());

  it('refuses everyone but the exam\'s invigilator and an admin, and queues nothing for a refusal', async () => {
    expect((await pause(mine.sessionId, {})).statusCode).toBe(401);
    expect((await pause(mine.sessionId, staff('reviewer'))).statusCode).toBe(403);
    expect((await pause(foreign.sessionId, staff('invigilator'))).statusCode).toBe(404);
    expect((await pause(mine.sessionId, staff('invigilator', false))).statusCode).toBe(403);
    expect((await pause(mine.sessionId, { authorization: `Bearer ${mine.sessionToken}` })).statusCode).toBe(401);
    const onSync = await server.app.inject({ method: 'POST', url: `/api/v1/sync/sessions/${mine.sessionId}/instructions`, headers: { authorization: `Bearer ${mine.sessionToken}` }, payload: { kind: 'pause' } });
    expect(onSync.statusCode).toBe(404);
    expect(await queued(mine.sessionId)).toEqual([]);
    expect(await queued(foreign.sessionId)).toEqual([]);

    const byInvigilator = await pause(mine.sessionId, staff('invigilator'));
    expect(byInvigilator.statusCode, byInvigilator.body).toBe(201);
    const byAdmin = await pause(foreign.sessionId, staff('admin'));
    expect(byAdmin.statusCode, byAdmin.body).toBe(201);
    const audited = await server.db.db.selectFrom('audit').select(['actor', 'subject']).where('action', '=', 'instruction.pause').orderBy('at').execute();
    expect(audited).toEqual([
      { actor: 'invigilator@example.org', subject: mine.sessionId },
      { actor: 'admin@example.org', subject: foreign.sessionId },
    ]);
  });

  it('delivers a pause only to its own session, and lets no candidate confirm what it was not given', async () => {
    const [minePause] = await queued(mine.sessionId);
    const [foreignPause] = await queued(foreign.sessionId);
    // The foreign candidate confirms the other session's pause and a made-up id: nothing changes.
    const forged = await heartbeat(foreign, [minePause!.id, 'forged-instruction']);
    expect(forged.statusCode).toBe(200);
    expect((forged.json() as HeartbeatResponse).instruction).toMatchObject({ id: foreignPause!.id, kind: 'pause' });
    expect((await queued(mine.sessionId))[0]!.confirmed_at).toBeNull();

    const answer = (await heartbeat(mine)).json() as HeartbeatResponse;
    expect(answer.instruction).toEqual({ id: minePause!.id, kind: 'pause', message: 'Wait for the invigilator.' });
    await heartbeat(mine, [minePause!.id]);
    expect((await queued(mine.sessionId))[0]!.confirmed_at).not.toBeNull();
    expect((await queued(foreign.sessionId))[0]!.confirmed_at).toBeNull();
  });
});
