/**
 * Faults during evidence uploads, with the real server as a process (`vigil-server`, PGlite) and a real client
 * store: the server SIGKILLed in the middle of an upload and started again, and the client (`vigil sync run`)
 * SIGKILLed in the middle of an upload and run again. Each upload resumes at the server's offset (the bytes it
 * already held are counted, not sent again), and the clip arrives verified, once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineProcessEnv } from '../memory-env.mjs';
import { openStore, type Store } from '../storage/store';
import { Spooler } from './spooler';
import { freeLoopbackPort } from './testing/ports';
import { startServerProcess, vigilServer, type ServerProcess } from './testing/server-process';
import { staffSession } from './testing/staff-api';

const dir = mkdtempSync(join(tmpdir(), 'vigil-sync-faults-'));
const serverHome = join(dir, 'server');
const uploadsDir = join(serverHome, 'evidence', 'uploads');
const PASSWORD = 'a long enough admin password';
const CLIP_BYTES = 32 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const vigilBin = join(import.meta.dirname, '..', '..', 'cli', 'vigil.mjs');

let examToken: string;
let port: number;
let server: ServerProcess;

beforeAll(async () => {
  writeFileSync(join(dir, 'password'), PASSWORD);
  expect(vigilServer(serverHome, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]).status).toBe(0);
  const exam = vigilServer(serverHome, ['exam', 'create', '--name', 'Physics', '--json']);
  examToken = (JSON.parse(exam.stdout.trim().split('\n').at(-1)!) as { enrolmentToken: string }).enrolmentToken;
  port = await freeLoopbackPort();
  server = await startServerProcess(serverHome, port);
});
afterAll(async () => server?.kill());

/** A client store with one synced session holding one large clip: queued are its enrolment and the clip. */
function clientWithClip(name: string): { home: string; dbPath: string; sessionId: string; sha256: string } {
  const home = join(dir, name);
  const dbPath = join(home, 'vigil.db');
  const store = openStore(dbPath);
  const session = store.sessions.create({ source: 'live', studentId: name, sync: { serverUrl: `http://127.0.0.1:${port}`, examToken, studentId: name } });
  const meta = store.segments.add(session.id, { start: 10, end: 40, reason: 'interval flagged', mime: 'video/mp4', bytes: randomBytes(CLIP_BYTES) });
  store.close();
  return { home, dbPath, sessionId: session.id, sha256: meta.sha256 };
}

const uploadFiles = () => readdirSync(uploadsDir).filter((n) => !n.endsWith('.json'));

/** Resolves once the server holds at least `bytes` of an upload that is not among `before`. */
async function serverHolds(bytes: number, before: string[], timeoutMs = 60_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of uploadFiles().filter((n) => !before.includes(n))) {
      const size = statSync(join(uploadsDir, f)).size;
      if (size >= bytes) return size;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`the server never held ${bytes} bytes of an upload`);
}

async function expectVerifiedOnce(store: Store, sessionId: string, sha256: string) {
  const staff = await staffSession(`http://127.0.0.1:${port}`, 'admin@example.org', PASSWORD);
  const serverSessionId = store.syncTargets.get(sessionId)!.serverSessionId!;
  const details = await staff.get<{ evidence: { sha256: string; bytes: number; verified: boolean }[] }>(`/api/v1/sessions/${serverSessionId}`);
  expect(details.evidence).toEqual([expect.objectContaining({ sha256, bytes: CLIP_BYTES, verified: true })]);
}

describe('evidence uploads survive a SIGKILL on either side', () => {
  it('resumes at the server offset after the server was SIGKILLed mid-upload and started again', async () => {
    const client = clientWithClip('server-killed');
    const store = openStore(client.dbPath);
    try {
      const spooler = new Spooler({ store, chunkSize: CHUNK, backoff: { baseMs: 100, capMs: 1000 } });
      const before = uploadFiles();
      const pass = spooler.pass();
      const held = await serverHolds(3 * CHUNK, before);
      await server.kill('SIGKILL');
      const interrupted = await pass;
      expect(interrupted.failed).toBe(1);
      const row = store.outbox.pending().find((r) => r.kind === 'evidence')!;
      expect((row.payload as { uploadUrl: string | null }).uploadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/sync\/evidence\/[0-9a-f]{32}$/);

      server = await startServerProcess(serverHome, port);
      const result = await spooler.drain(60_000);
      expect(result).toMatchObject({ done: true, pending: 0 });
      const [upload] = spooler.uploads;
      expect(upload!.resumedAt).toBeGreaterThanOrEqual(held - CHUNK);
      expect(upload!.resumedAt + upload!.bytesSent).toBe(CLIP_BYTES);
      console.log(`server SIGKILLed holding ${held} bytes; the upload resumed at ${upload!.resumedAt} and sent ${upload!.bytesSent} of ${CLIP_BYTES}`);
      await expectVerifiedOnce(store, client.sessionId, client.sha256);
    } finally {
      store.close();
    }
  });

  it('resumes at the server offset after the client (vigil sync run) was SIGKILLed mid-upload', async () => {
    const client = clientWithClip('client-killed');
    // The allocator settings in the environment keep `vigil` from re-running itself, so the pid killed is the one uploading.
    const env = { ...engineProcessEnv(), VIGIL_HOME: client.home, VIGIL_SYNC_CHUNK_BYTES: String(CHUNK) };
    const before = uploadFiles();
    const first = spawn(process.execPath, [vigilBin, 'sync', 'run'], { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => first.once('exit', (code, signal) => resolve(signal ?? code)));
    const held = await serverHolds(3 * CHUNK, before);
    first.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const again = spawnSync(process.execPath, [vigilBin, 'sync', 'run', '--timeout', '60'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(again.status, again.stderr).toBe(0);
    const resumed = /1 upload\(s\) resumed \((\d+) bytes not sent again\)/.exec(again.stderr);
    expect(resumed, again.stderr).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(held - CHUNK);
    console.log(`client SIGKILLed with the server holding ${held} bytes; vigil sync run resumed: ${again.stderr.trim()}`);
    const store = openStore(client.dbPath);
    try {
      expect(store.outbox.pendingCount()).toBe(0);
      await expectVerifiedOnce(store, client.sessionId, client.sha256);
    } finally {
      store.close();
    }
  });
});
