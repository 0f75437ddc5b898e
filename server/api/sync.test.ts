import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash } from '../../app/engine/storage/hash-chain';
import type { EnrolResponse, EventAck } from '../../app/engine/sync/protocol';
import { buildChain, enrolment, heartbeat, sampleReport } from '../test/chain';
import { DATABASES, startTestServer, type TestServer } from '../test/harness';

describe.each(DATABASES)('sync protocol on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => server?.dispose());

  async function enrol(request = enrolment(server.examToken)) {
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: request });
    expect(res.statusCode, res.body).toBe(200);
    return { request, ...(res.json() as EnrolResponse) };
  }
  const post = (path: string, token: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') =>
    server.app.inject({ method, url: path, headers: { authorization: `Bearer ${token}` }, payload: payload as object });

  it('enrols with the exam token, and re-enrolling with the same secret gives the same session a new token', async () => {
    const first = await enrol();
    expect(first.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await enrol(first.request);
    expect(again.sessionId).toBe(first.sessionId);
    expect(again.sessionToken).not.toBe(first.sessionToken);
    // The old token was revoked by the new one.
    expect((await post(`/api/v1/sync/sessions/${first.sessionId}/heartbeat`, first.sessionToken, heartbeat())).statusCode).toBe(401);
    const thief = await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: { ...first.request, enrolSecret: 'x'.repeat(43) } });
    expect(thief.statusCode).toBe(409);
    const unknown = await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: { ...first.request, examToken: 'not-the-exam-token-at-all' } });
    expect(unknown.statusCode).toBe(401);
  });

  it('checks the token inside the one-statement heartbeat and append once the session is known: a revoked or another session\'s token writes nothing', async () => {
    const s = await enrol();
    const other = await enrol();
    const chain = buildChain(s.request.clientSessionId, 15);
    const hbUrl = `/api/v1/sync/sessions/${s.sessionId}/heartbeat`;
    const evUrl = `/api/v1/sync/sessions/${s.sessionId}/events`;
    // The process now knows the session, so later requests take the paths that check the token in their statement.
    expect((await post(hbUrl, s.sessionToken, heartbeat())).statusCode).toBe(200);
    expect((await post(evUrl, s.sessionToken, { protocol: 1, events: chain.slice(0, 5) })).json()).toMatchObject({ ackSeq: 5 });
    const renewed = await enrol(s.request);
    const held = async () => server.db.db.selectFrom('sessions').select(['ack_seq', 'claimed_head_seq']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    const attacks = [
      { token: s.sessionToken, status: 401, error: 'bad_token' }, // revoked by the new enrolment
      { token: other.sessionToken, status: 403, error: 'wrong_session' },
      { token: 'A'.repeat(43), status: 401, error: 'bad_token' },
    ];
    for (const attack of attacks) {
      const hb = await post(hbUrl, attack.token, heartbeat({ seq: 10, hash: chain[9]!.hash }));
      expect([hb.statusCode, (hb.json() as { error: string }).error]).toEqual([attack.status, attack.error]);
      const ev = await post(evUrl, attack.token, { protocol: 1, events: chain.slice(5, 10) });
      expect([ev.statusCode, (ev.json() as { error: string }).error]).toEqual([attack.status, attack.error]);
    }
    expect(await held()).toEqual({ ack_seq: 5, claimed_head_seq: null });
    expect((await post(evUrl, renewed.sessionToken, { protocol: 1, events: chain.slice(5, 15) })).json()).toMatchObject({ ackSeq: 15 });
  });

  it('appends batches, acknowledges the last seq, and treats a resent batch as a no-op', async () => {
    const s = await enrol();
    const chain = buildChain(s.request.clientSessionId, 30);
    const url = `/api/v1/sync/sessions/${s.sessionId}/events`;
    const a = await post(url, s.sessionToken, { protocol: 1, events: chain.slice(0, 20) });
    expect(a.statusCode, a.body).toBe(200);
    expect((a.json() as EventAck).ackSeq).toBe(20);
    const resent = await post(url, s.sessionToken, { protocol: 1, events: chain.slice(0, 20) });
    expect(resent.json()).toEqual(a.json());
    // An overlapping batch appends only what is new.
    const b = await post(url, s.sessionToken, { protocol: 1, events: chain.slice(15, 30) });
    expect(b.json()).toEqual({ ackSeq: 30, head: chain[29]!.hash });
    const n = await server.db.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(30);
  });

  it('refuses a gap, saying which seq it holds', async () => {
    const s = await enrol();
    const chain = buildChain(s.request.clientSessionId, 10);
    const res = await post(`/api/v1/sync/sessions/${s.sessionId}/events`, s.sessionToken, { protocol: 1, events: chain.slice(5) });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'gap', ackSeq: 0 });
  });

  it('refuses a tampered event, marks the session chain broken at that event, and refuses everything after', async () => {
    const s = await enrol();
    const chain = buildChain(s.request.clientSessionId, 10);
    const url = `/api/v1/sync/sessions/${s.sessionId}/events`;
    expect((await post(url, s.sessionToken, { protocol: 1, events: chain.slice(0, 4) })).statusCode).toBe(200);
    const tampered = chain.slice(4).map((e) => (e.seq === 7 ? { ...e, payload: { seq: 7, severity: 'info', confidence: 0.1 } } : e));
    const res = await post(url, s.sessionToken, { protocol: 1, events: tampered });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'chain_broken', firstBadSeq: 7, ackSeq: 4 });
    const row = await server.db.db.selectFrom('sessions').select(['chain_status', 'chain_broken_seq', 'ack_seq']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(row).toEqual({ chain_status: 'broken', chain_broken_seq: 7, ack_seq: 4 });
    expect((await post(url, s.sessionToken, { protocol: 1, events: chain.slice(4) })).json()).toMatchObject({ error: 'chain_broken' });
  });

  it('catches a log rewritten after its head was reported in a heartbeat', async () => {
    const s = await enrol();
    const honest = buildChain(s.request.clientSessionId, 6);
    const hb = await post(`/api/v1/sync/sessions/${s.sessionId}/heartbeat`, s.sessionToken, heartbeat({ seq: 6, hash: honest[5]!.hash }));
    expect(hb.statusCode, hb.body).toBe(200);
    // The client later rewrites its whole log (a valid chain, but not the one it reported).
    const rewritten = rewrittenAt(s.request.clientSessionId, 6);
    const res = await post(`/api/v1/sync/sessions/${s.sessionId}/events`, s.sessionToken, { protocol: 1, events: rewritten });
    expect(res.json()).toMatchObject({ error: 'chain_broken', firstBadSeq: 6 });
  });

  it('delivers an instruction on the next heartbeat until the client confirms it', async () => {
    const s = await enrol();
    const admin = await server.login('admin');
    const created = await server.app.inject({ method: 'POST', url: `/api/v1/sessions/${s.sessionId}/instructions`, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: { kind: 'message', message: 'Please face the camera' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    const url = `/api/v1/sync/sessions/${s.sessionId}/heartbeat`;
    expect((await post(url, s.sessionToken, heartbeat())).json()).toMatchObject({ instruction: { id, kind: 'message', message: 'Please face the camera' } });
    expect((await post(url, s.sessionToken, heartbeat())).json()).toMatchObject({ instruction: { id } });
    expect((await post(url, s.sessionToken, { ...heartbeat(), confirmed: [id] })).json()).toMatchObject({ instruction: null });
  });

  it('stores the final report once and serves it with the chain verified from genesis', async () => {
    const s = await enrol();
    const chain = buildChain(s.request.clientSessionId, 5);
    await post(`/api/v1/sync/sessions/${s.sessionId}/events`, s.sessionToken, { protocol: 1, events: chain });
    const report = sampleReport(s.request.clientSessionId);
    const url = `/api/v1/sync/sessions/${s.sessionId}/report`;
    expect((await post(url, s.sessionToken, { protocol: 1, kind: 'final', report }, 'PUT')).json()).toEqual({ stored: true });
    expect((await post(url, s.sessionToken, { protocol: 1, kind: 'final', report }, 'PUT')).json()).toEqual({ stored: false });
    const reviewer = await server.login('reviewer');
    const list = await server.app.inject({ method: 'GET', url: `/api/v1/reports?exam_id=${server.examId}&student_id=student-7&limit=5`, headers: { cookie: reviewer.cookie } });
    expect(list.statusCode, list.body).toBe(200);
    const item = (list.json() as { items: { id: string; sessionId: string }[] }).items.find((i) => i.sessionId === s.sessionId)!;
    const full = await server.app.inject({ method: 'GET', url: `/api/v1/reports/${item.id}`, headers: { cookie: reviewer.cookie } });
    expect(full.json()).toMatchObject({ sessionId: s.request.clientSessionId, risk: { level: 'SUSPICIOUS' }, chain: { verified: true, events: 5 }, evidence: [] });
    const stats = await server.app.inject({ method: 'GET', url: '/api/v1/sessions/stats', headers: { cookie: reviewer.cookie } });
    expect(stats.json()).toMatchObject({ flaggedIntervals: expect.any(Number) });
    expect((stats.json() as { flaggedIntervals: number }).flaggedIntervals).toBeGreaterThanOrEqual(1);
  });
});

/** A valid chain that agrees with `buildChain` up to n-1 and differs at n: what a client rewriting its log would send. */
function rewrittenAt(clientSessionId: string, n: number) {
  const kept = buildChain(clientSessionId, n - 1);
  const prev = kept.at(-1)!.hash;
  const content = { t: n * 1.5, type: 'alert.gaze_away', payload: { seq: n, rewritten: true } };
  return [...kept, { seq: n, ...content, prevHash: prev, hash: chainHash(prev, { sessionId: clientSessionId, ...content }) }];
}
