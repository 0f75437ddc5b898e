import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startTestServer, type TestServer } from '../test/harness';
import { Report } from '../../app/engine/report/report';
import { sampleReport } from '../test/chain';
import { claimJob, finishJob, requeueOrphans, runOneJob } from './analysis-queue';

describe.each(DATABASES)('analysis job queue on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => server?.dispose());

  const queue = (n: number) =>
    server.db.db.insertInto('analysis_jobs').values(Array.from({ length: n }, (_, i) => ({ id: randomUUID(), input_path: `/nowhere/${i}`, created_by: 'spec', created_at: new Date(Date.now() - (n - i) * 1000) }))).returning('id').execute();

  it('hands each queued job to one claimer only, oldest first, and queues again a job its dead worker left running', async () => {
    const ids = (await queue(3)).map((r) => r.id);
    const claims = await Promise.all([claimJob(server.db.db), claimJob(server.db.db), claimJob(server.db.db), claimJob(server.db.db)]);
    expect(claims.filter(Boolean).map((c) => c!.id).sort()).toEqual([...ids].sort());
    expect(claims.filter((c) => c === null)).toHaveLength(1);
    expect(await requeueOrphans(server.db.db, 60_000)).toBe(0);
    await server.db.db.updateTable('analysis_jobs').set({ started_at: new Date(Date.now() - 2 * 3600_000) }).where('id', '=', ids[0]!).execute();
    expect(await requeueOrphans(server.db.db, 3600_000)).toBe(1);
    expect((await claimJob(server.db.db))!.id).toBe(ids[0]);
  });

  it('lists the reports analysis jobs made with the ones devices sent, by student and exam, and only to staff who may see that exam', async () => {
    const [ownExam, otherText] = [server.examId, 'course-17'];
    const jobs = (await queue(3)).map((r) => r.id);
    const rows = [
      { id: jobs[0]!, student_id: 'job-student-a', exam_id: ownExam },
      { id: jobs[1]!, student_id: 'job-student-b', exam_id: otherText },
    ];
    for (const job of rows) await finishJob(server.db.db, job, Report.parse(sampleReport(`upload-${job.id}`)), null);
    await finishJob(server.db.db, { id: jobs[2]!, student_id: 'job-student-c', exam_id: ownExam }, null, 'vigil: upload.mp4: no video stream');
    const admin = await server.login('admin');
    const list = async (query: string, cookie = admin.cookie) => {
      const res = await server.app.inject({ method: 'GET', url: `/api/v1/reports?${query}`, headers: { cookie } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { total: number; items: { id: string; source: string; jobId: string | null; sessionId: string | null; examId: string | null; studentId: string | null; riskLevel: string }[] };
    };
    const a = await list('student_id=job-student-a');
    expect(a).toMatchObject({ total: 1, items: [{ source: 'upload', jobId: jobs[0], sessionId: null, examId: ownExam, studentId: 'job-student-a', riskLevel: 'SUSPICIOUS' }] });
    expect((await list(`exam_id=${otherText}`)).items.map((i) => i.studentId)).toEqual(['job-student-b']);
    expect((await list(`exam_id=${ownExam}&student_id=job-student-b`)).total).toBe(0);
    // A failed job made no report.
    expect((await list('student_id=job-student-c')).total).toBe(0);
    const full = await server.app.inject({ method: 'GET', url: `/api/v1/reports/${a.items[0]!.id}`, headers: { cookie: admin.cookie } });
    expect(full.json(), full.body).toMatchObject({ version: 1, risk: { level: 'SUSPICIOUS' }, chain: { verified: false, events: 0, reason: expect.stringMatching(/uploaded recording/) }, evidence: [] });
    // An invigilator sees a job's report only when its exam is assigned to them.
    const inv = await server.login('invigilator');
    expect((await list('student_id=job-student-a', inv.cookie)).total).toBe(0);
    expect((await server.app.inject({ method: 'GET', url: `/api/v1/reports/${a.items[0]!.id}`, headers: { cookie: inv.cookie } })).statusCode).toBe(404);
    await server.db.db.insertInto('exam_assignments').values({ exam_id: ownExam, user_id: inv.userId }).execute();
    expect((await list('student_id=job-student-a', inv.cookie)).total).toBe(1);
    expect((await list('student_id=job-student-b', inv.cookie)).total).toBe(0);
    expect((await server.app.inject({ method: 'GET', url: `/api/v1/reports/${a.items[0]!.id}`, headers: { cookie: inv.cookie } })).statusCode).toBe(200);
  });

  it.runIf(kind === 'pglite')('analyses an uploaded recording with the vigil command and serves the same report v1', async () => {
    const clip = join(server.home, 'upload.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=6', '-t', '2', '-pix_fmt', 'yuv420p', clip]);
    const admin = await server.login('admin');
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/proctoring/process?student_id=st-5&exam_id=ex-2', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'video/mp4' }, payload: readFileSync(clip) });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId } = res.json() as { jobId: string };
    await server.db.db.updateTable('analysis_jobs').set({ status: 'failed' }).where('id', '!=', jobId).execute();
    expect(await runOneJob(server.db.db, { home: server.home })).toBe(true);
    const job = await server.app.inject({ method: 'GET', url: `/api/v1/proctoring/jobs/${jobId}`, headers: { cookie: admin.cookie } });
    expect(job.json(), job.body).toMatchObject({ status: 'done', error: null, report: { version: 1, studentId: 'st-5', examId: 'ex-2', durationSec: 2, media: { video: true } } });
    // The same report is listed with the others, under the student and exam given with the upload.
    const listed = await server.app.inject({ method: 'GET', url: '/api/v1/reports?student_id=st-5&exam_id=ex-2', headers: { cookie: admin.cookie } });
    expect(listed.json(), listed.body).toMatchObject({ total: 1, items: [{ source: 'upload', jobId, studentId: 'st-5', examId: 'ex-2' }] });
    const full = await server.app.inject({ method: 'GET', url: `/api/v1/reports/${(listed.json() as { items: { id: string }[] }).items[0]!.id}`, headers: { cookie: admin.cookie } });
    expect(full.json()).toMatchObject({ ...(job.json() as { report: object }).report, chain: { verified: false, events: 0 }, evidence: [] });
  });
});
