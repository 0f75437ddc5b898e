import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startTestServer, type TestServer } from '../test/harness';
import { claimJob, requeueOrphans, runOneJob } from './analysis-queue';

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
  });
});
