/**
 * Live thumbnails (thumbnails.ts) on both databases, with a real JPEG made by ffmpeg. Attacks tried and what each
 * got back: a picture for an exam whose policy says status (403 thumbnails_off), one without a token (401), one
 * under another session's token (403), bytes that are not a JPEG (400), a picture larger than the protocol allows
 * (400), a second one straight after the first (429), a reviewer fetching one (403), an invigilator of another
 * exam fetching one (404).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_ROUTES, type EnrolResponse } from '../../app/engine/sync/protocol';
import { enrolment } from '../test/chain';
import { DATABASES, startTestServer, type TestServer } from '../test/harness';

/** A 160x120 JPEG of ffmpeg's test pattern, as a camera thumbnail would be. */
const jpeg = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=1', '-frames:v', '1', '-q:v', '8', '-f', 'mjpeg', '-']);
const upload = (bytes: Buffer, size = { width: 160, height: 120 }) => ({ protocol: 1, clock: new Date().toISOString(), ...size, jpeg: bytes.toString('base64') });

describe.each(DATABASES)('live thumbnails on %s', (kind) => {
  let server: TestServer;
  let as: Record<'admin' | 'invigilator' | 'reviewer', { cookie: string; csrf: string; userId: string }>;
  let statusOnly: EnrolResponse;
  let withThumbnails: EnrolResponse;
  let thumbnailsExam = '';
  beforeAll(async () => {
    server = await startTestServer(kind);
    as = { admin: await server.login('admin'), invigilator: await server.login('invigilator'), reviewer: await server.login('reviewer') };
    const enrol = async (token: string) => (await server.app.inject({ method: 'POST', url: SYNC_ROUTES.enrol, payload: enrolment(token) })).json() as EnrolResponse;
    statusOnly = await enrol(server.examToken);
    const created = await server.app.inject({ method: 'POST', url: '/api/v1/exams', headers: { cookie: as.admin.cookie, 'x-csrf-token': as.admin.csrf }, payload: { name: 'Watched room', policy: { liveView: 'thumbnails' } } });
    expect(created.statusCode, created.body).toBe(201);
    const { examId, enrolmentToken } = created.json() as { examId: string; enrolmentToken: string };
    thumbnailsExam = examId;
    withThumbnails = await enrol(enrolmentToken);
  });
  afterAll(async () => server?.dispose());

  const send = (session: EnrolResponse, body: object, token: string | null = session.sessionToken) =>
    server.app.inject({ method: 'POST', url: SYNC_ROUTES.thumbnail(session.sessionId), payload: body, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const fetch = (role: keyof typeof as, session: EnrolResponse) => server.app.inject({ method: 'GET', url: `/api/v1/sessions/${session.sessionId}/thumbnail`, headers: { cookie: as[role].cookie } });

  it("refuses a picture for an exam whose policy shows status only, and keeps nothing", async () => {
    const refused = await send(statusOnly, upload(jpeg));
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'thumbnails_off', message: expect.stringMatching(/liveView: status/) });
    expect((await fetch('admin', statusOnly)).statusCode).toBe(404);
  });

  it('keeps the newest picture of a thumbnails exam, and refuses the malformed, the oversized and the too frequent', async () => {
    expect((await send(withThumbnails, upload(jpeg), null)).statusCode).toBe(401);
    expect((await send(withThumbnails, upload(jpeg), statusOnly.sessionToken)).statusCode).toBe(403);
    expect((await send(withThumbnails, upload(randomBytes(2000)))).json()).toMatchObject({ error: 'bad_thumbnail' });
    expect((await send(withThumbnails, upload(jpeg, { width: 640, height: 480 }))).statusCode).toBe(400);
    expect((await send(withThumbnails, upload(Buffer.concat([jpeg.subarray(0, 2), randomBytes(30_000), jpeg.subarray(-2)])))).statusCode).toBe(400);
    const stored = await send(withThumbnails, upload(jpeg));
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json()).toMatchObject({ stored: true });
    const again = await send(withThumbnails, upload(jpeg));
    expect(again.statusCode).toBe(429);
    expect(again.json()).toMatchObject({ error: 'too_soon' });
  });

  it("shows the picture to admins and the exam's own invigilators only", async () => {
    const admin = await fetch('admin', withThumbnails);
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['content-type']).toBe('image/jpeg');
    expect(admin.headers['cache-control']).toBe('no-store');
    expect(admin.rawPayload.equals(jpeg)).toBe(true);
    expect((await fetch('reviewer', withThumbnails)).statusCode).toBe(403);
    expect((await fetch('invigilator', withThumbnails)).statusCode).toBe(404);
    const assigned = await server.app.inject({ method: 'POST', url: `/api/v1/exams/${thumbnailsExam}/assignments`, headers: { cookie: as.admin.cookie, 'x-csrf-token': as.admin.csrf }, payload: { userId: as.invigilator.userId } });
    expect(assigned.statusCode, assigned.body).toBeLessThan(300);
    expect((await fetch('invigilator', withThumbnails)).statusCode).toBe(200);
  });
});
