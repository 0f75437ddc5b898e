/**
 * The live-thumbnail sender against the real server (a `vigil-server` process on PGlite): a thumbnails exam gets
 * the newest picture and an admin reads back the same bytes; a status-only exam's refusal stops the sender; offers
 * too close together are dropped, and one offered while another is in flight waits, replacing an older one.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncHttpClient } from './http-client';
import { THUMBNAIL, type ThumbnailUpload } from './protocol';
import { freeLoopbackPort } from './testing/ports';
import { startServerProcess, vigilServer, type ServerProcess } from './testing/server-process';
import { staffSession } from './testing/staff-api';
import { ThumbnailSender } from './thumbnail-sender';

const dir = mkdtempSync(join(tmpdir(), 'vigil-thumbnails-'));
const PASSWORD = 'a long enough admin password';
const jpeg = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=1', '-frames:v', '1', '-q:v', '8', '-f', 'mjpeg', '-']);
const upload = (): ThumbnailUpload => ({ protocol: 1, clock: new Date().toISOString(), width: 160, height: 120, jpeg: jpeg.toString('base64') });
let server: ServerProcess;
const tokens: Record<'status' | 'thumbnails', string> = { status: '', thumbnails: '' };

beforeAll(async () => {
  const home = join(dir, 'server');
  writeFileSync(join(dir, 'password'), PASSWORD);
  expect(vigilServer(home, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]).status).toBe(0);
  for (const view of ['status', 'thumbnails'] as const) {
    writeFileSync(join(dir, `${view}.json`), JSON.stringify({ liveView: view }));
    const exam = vigilServer(home, ['exam', 'create', '--name', `Exam ${view}`, '--policy', join(dir, `${view}.json`), '--json']);
    tokens[view] = (JSON.parse(exam.stdout.trim().split('\n').at(-1)!) as { enrolmentToken: string }).enrolmentToken;
  }
  server = await startServerProcess(home, await freeLoopbackPort());
}, 180_000);
afterAll(async () => server?.kill());

const enrol = (client: SyncHttpClient, view: 'status' | 'thumbnails') =>
  client.enrol({
    protocol: 1,
    examToken: tokens[view],
    clientSessionId: `thumb-${view}-${Date.now()}`,
    enrolSecret: randomBytes(24).toString('base64url'),
    candidate: { studentId: 'student-1' },
    device: { platform: process.platform, arch: process.arch, release: 'test' },
    engineVersion: 'test',
    startedAt: new Date().toISOString(),
  });

describe('live thumbnail sender', () => {
  it('sends the newest picture of a thumbnails exam, which an admin reads back byte for byte', async () => {
    const client = new SyncHttpClient(server.url);
    const enrolled = await enrol(client, 'thumbnails');
    let clock = 0;
    const sender = new ThumbnailSender(client, { sessionId: enrolled.sessionId, token: enrolled.sessionToken }, () => clock);
    expect(sender.offer(upload())).toBe('sending');
    clock += 1000;
    expect(sender.offer(upload())).toBe('too_soon');
    await sender.idle();
    expect(sender).toMatchObject({ sent: 1, dropped: 1, lastError: null });
    const admin = await staffSession(server.url, 'admin@example.org', PASSWORD);
    const bytes = Buffer.from(await admin.get<ArrayBuffer>(`/api/v1/sessions/${enrolled.sessionId}/thumbnail`, 'arraybuffer'));
    expect(bytes.equals(jpeg)).toBe(true);
  });

  it('stops for good when the exam policy shows status only', async () => {
    const client = new SyncHttpClient(server.url);
    const enrolled = await enrol(client, 'status');
    let clock = 0;
    const sender = new ThumbnailSender(client, { sessionId: enrolled.sessionId, token: enrolled.sessionToken }, () => clock);
    sender.offer(upload());
    await sender.idle();
    expect(sender.isStopped).toBe(true);
    expect(sender.lastError).toMatch(/403 thumbnails_off: this exam's policy shows invigilators the session's status only/);
    clock += THUMBNAIL.intervalSec * 1000;
    expect(sender.offer(upload())).toBe('stopped');
  });

  it('keeps one waiting while one is in flight, the newer replacing the older', async () => {
    let release: () => void = () => {};
    const seen: string[] = [];
    const slow = { sendThumbnail: (_id: string, _token: string, u: ThumbnailUpload) => new Promise<{ stored: true; at: string }>((resolve) => { seen.push(u.clock); release = () => resolve({ stored: true, at: u.clock }); }) };
    let clock = 0;
    const sender = new ThumbnailSender(slow, { sessionId: 's', token: 't' }, () => clock);
    const at = (n: number) => ({ ...upload(), clock: new Date(n * 1000).toISOString() });
    expect(sender.offer(at(0))).toBe('sending');
    clock += THUMBNAIL.intervalSec * 1000;
    expect(sender.offer(at(1))).toBe('waiting');
    clock += THUMBNAIL.intervalSec * 1000;
    expect(sender.offer(at(2))).toBe('waiting');
    release();
    await new Promise((r) => setTimeout(r, 10));
    release();
    await sender.idle();
    expect(seen).toEqual([at(0).clock, at(2).clock]);
    expect(sender).toMatchObject({ sent: 2, dropped: 1 });
  });
});
