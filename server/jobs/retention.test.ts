import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../../app/engine/sync/protocol';
import { createExam } from '../store/exams';
import { enrolment, sampleReport } from '../test/chain';
import { DATABASES, startTestServer, type TestServer } from '../test/harness';
import { sha256, tusCreate, tusPatch } from '../test/tus';
import { runRetention } from './retention';

describe.each(DATABASES)('retention on %s', (kind) => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => server?.dispose());

  /** A session of the exam with one verified clip and a report, both dated `daysAgo`. */
  async function sessionWithData(examToken: string, daysAgo: number) {
    const request = enrolment(examToken);
    const s = (await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: request })).json() as EnrolResponse;
    const clip = randomBytes(1000);
    const created = await tusCreate(base, s.sessionToken, clip.length, { sessionId: s.sessionId, segmentId: '1', sha256: sha256(clip), mime: 'video/mp4' });
    expect((await tusPatch(new URL(created.location!, `${base}/api/v1/sync/evidence/`).href, s.sessionToken, 0, clip)).status).toBe(204);
    await server.app.inject({ method: 'PUT', url: `/api/v1/sync/sessions/${s.sessionId}/report`, headers: { authorization: `Bearer ${s.sessionToken}` }, payload: { protocol: 1, kind: 'final', report: sampleReport(request.clientSessionId) } });
    const then = new Date(Date.now() - daysAgo * 86_400_000);
    await server.db.db.updateTable('evidence').set({ created_at: then }).where('session_id', '=', s.sessionId).execute();
    await server.db.db.updateTable('reports').set({ created_at: then }).where('session_id', '=', s.sessionId).execute();
    const upload = await server.db.db.selectFrom('evidence').select('upload_id').where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    return { sessionId: s.sessionId, file: join(server.home, 'evidence', 'uploads', upload.upload_id) };
  }

  it("deletes evidence and reports older than the exam's retention, logs what was deleted, and keeps the rest", async () => {
    const kept30 = await createExam(server.db.db, { name: 'Kept 30 days', retentionDays: 30 });
    const old = await sessionWithData(kept30.enrolmentToken, 31);
    const recent = await sessionWithData(kept30.enrolmentToken, 5);
    const forever = await sessionWithData(server.examToken, 400); // the harness exam has no retention
    expect(existsSync(old.file)).toBe(true);

    expect(await runRetention(server.db.db, (id) => server.blobs.remove(id))).toEqual({ evidence: 1, reports: 1 });
    expect(existsSync(old.file)).toBe(false);
    expect(existsSync(recent.file)).toBe(true);
    expect(existsSync(forever.file)).toBe(true);
    const left = await server.db.db.selectFrom('evidence').select('session_id').execute();
    expect(left.map((r) => r.session_id).sort()).toEqual([recent.sessionId, forever.sessionId].sort());
    const reports = await server.db.db.selectFrom('reports').select('session_id').execute();
    expect(reports.map((r) => r.session_id)).not.toContain(old.sessionId);
    const log = await server.db.db.selectFrom('audit').select(['actor', 'action', 'subject']).where('action', '=', 'retention.delete').execute();
    expect(log).toEqual([{ actor: 'retention', action: 'retention.delete', subject: `session ${old.sessionId}: 1 evidence clip(s), report` }]);
    expect(await runRetention(server.db.db, (id) => server.blobs.remove(id))).toEqual({ evidence: 0, reports: 0 });
  });
});
