/**
 * Evidence in S3-compatible storage, against `s3rver` on loopback: the STAND-IN for a real S3 endpoint (see
 * test/s3-stand-in.ts for the two calls it lacks). Path-style addressing, a bucket made at start, parts of 5 MiB
 * (S3's minimum), so a 6 MiB clip is one multipart part plus a tail kept as a `.part` object between PATCHes.
 * PGlite only: the database plays no part in where the bytes go (both databases run every other server spec).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../../app/engine/sync/protocol';
import { enrolment } from '../test/chain';
import { startTestServer, type TestServer } from '../test/harness';
import { startS3StandIn, type S3StandIn } from '../test/s3-stand-in';
import { sha256, tusCreate, tusPatch } from '../test/tus';
import { S3EvidenceStore } from './s3-evidence-store';

const MiB = 1024 * 1024;

describe('evidence in S3-compatible storage (s3rver on loopback standing in for S3)', () => {
  let s3: S3StandIn;
  let server: TestServer;
  let base: string;
  let session: EnrolResponse;
  let reviewerCookie: string;

  beforeAll(async () => {
    s3 = await startS3StandIn();
    const datastore = new S3EvidenceStore({ bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials, partSize: 5 * MiB });
    server = await startTestServer('pglite', { datastore });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/sync/enrol', payload: enrolment(server.examToken) });
    session = res.json() as EnrolResponse;
    reviewerCookie = (await server.login('reviewer')).cookie;
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
    await s3?.close();
  });

  const create = async (clip: Buffer, segmentId: string) => {
    const created = await tusCreate(base, session.sessionToken, clip.length, { sessionId: session.sessionId, segmentId, sha256: sha256(clip), mime: 'video/mp4' });
    expect(created.status, created.body).toBe(201);
    return new URL(created.location!, `${base}/api/v1/sync/evidence/`).href;
  };
  const evidenceRow = (segmentId: number) =>
    server.db.db.selectFrom('evidence').select(['id', 'status', 'upload_id']).where('session_id', '=', session.sessionId).where('segment_id', '=', segmentId).executeTakeFirstOrThrow();
  const download = (id: string, range?: string) => fetch(`${base}/api/v1/evidence/${id}`, { headers: { cookie: reviewerCookie, ...(range ? { range } : {}) } });

  it('stores a clip in one PATCH, re-hashed from S3 and served whole', async () => {
    const clip = randomBytes(300_000);
    const url = await create(clip, '1');
    const patch = await tusPatch(url, session.sessionToken, 0, clip);
    expect(patch.status, patch.body).toBe(204);
    const row = await evidenceRow(1);
    expect(row.status).toBe('verified');
    const res = await download(row.id);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(clip)).toBe(true);
    // The PATCH asked S3 which parts it holds (ListParts), the call s3rver itself refuses with MethodNotAllowed.
    expect(s3.calls).toContain('ListParts');
  });

  it('resumes an upload at the offset S3 holds: a full part and a tail, then the rest', async () => {
    const clip = randomBytes(6 * MiB + 12_345);
    const url = await create(clip, '2');
    const first = await tusPatch(url, session.sessionToken, 0, clip.subarray(0, 5 * MiB + 1000));
    expect([first.status, first.offset]).toEqual([204, String(5 * MiB + 1000)]);
    // As a restarted client does: ask the offset, send from there.
    const head = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${session.sessionToken}` } });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBe(5 * MiB + 1000);
    const rest = await tusPatch(url, session.sessionToken, offset, clip.subarray(offset));
    expect(rest.status, rest.body).toBe(204);
    const row = await evidenceRow(2);
    expect(row.status).toBe('verified');
    const res = await download(row.id);
    expect(Buffer.from(await res.arrayBuffer()).equals(clip)).toBe(true);
  });

  it('serves byte ranges read from S3, not the whole object', async () => {
    const row = await evidenceRow(2);
    const before = s3.calls.length;
    const middle = await download(row.id, 'bytes=5242000-5243999');
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 5242000-5243999/${6 * MiB + 12_345}`);
    const body = Buffer.from(await middle.arrayBuffer());
    expect(body.length).toBe(2000);
    expect(s3.calls.slice(before)).toEqual(['GetObject']);
    const whole = Buffer.from(await (await download(row.id)).arrayBuffer());
    expect(body.equals(whole.subarray(5_242_000, 5_244_000))).toBe(true);
    const suffix = await download(row.id, 'bytes=-100');
    expect(Buffer.from(await suffix.arrayBuffer()).equals(whole.subarray(whole.length - 100))).toBe(true);
  });

  it('quarantines a clip whose bytes do not match its sha256, and never serves it', async () => {
    const clip = randomBytes(100_000);
    const created = await tusCreate(base, session.sessionToken, clip.length, { sessionId: session.sessionId, segmentId: '3', sha256: sha256(randomBytes(10)), mime: 'video/mp4' });
    const patch = await tusPatch(new URL(created.location!, `${base}/api/v1/sync/evidence/`).href, session.sessionToken, 0, clip);
    expect(patch.status).toBe(460);
    const row = await evidenceRow(3);
    expect(row.status).toBe('quarantined');
    expect((await download(row.id)).status).toBe(404);
  });

  it('deletes a finished clip from the bucket (retention, an admin deleting a candidate)', async () => {
    const row = await evidenceRow(1);
    await server.blobs.remove(row.upload_id);
    await expect(server.blobs.read(row.upload_id).then((s) => s.toArray())).rejects.toThrow(/NoSuchKey|not exist/i);
  });
});
