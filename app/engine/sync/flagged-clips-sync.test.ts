/**
 * Flagged video leaves while the exam runs, with real parts on loopback: the reference server as a process
 * (`vigil-server`, PGlite, evidence in its folder), a real client store, a live session fed real WebM segments
 * (ffmpeg's test pattern) and the OS signals that flag an interval, and the background spooler (SyncRunner).
 * - the segments a flag keeps arrive on the server, verified, while the session is still open (no report yet);
 * - the spooler sends one clip per pass, after the session's other rows: events queued behind two clips still go
 *   in the first pass, and the second clip in the next;
 * - the server SIGKILLed during the exam: a flagged segment cut meanwhile waits in the outbox and arrives once the
 *   server is back, still before the finish; nothing is lost, and a segment queued for upload is not deleted when
 *   the session's rolling buffer is disposed at the finish;
 * - the app SIGKILLed mid-exam with a flagged segment still queued (its server down): the next start sends it.
 * (A clip's upload resuming at the server's offset after a SIGKILL on either side is faults.test.ts: the same
 * evidence path.)
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSession } from '../live/live-session';
import { parsePolicy } from '../policy/policy';
import { createSessionClock } from '../signals/session-clock';
import { sha256Hex } from '../storage/hash-chain';
import { openStore } from '../storage/store';
import { Spooler } from './spooler';
import { SyncRunner } from './sync-runner';
import { freeLoopbackPort } from './testing/ports';
import { startServerProcess, vigilServer, type ServerProcess } from './testing/server-process';
import { staffSession } from './testing/staff-api';
import { until } from './testing/until';

const dir = mkdtempSync(join(tmpdir(), 'vigil-flagged-clips-'));
const serverHome = join(dir, 'server');
const PASSWORD = 'a long enough admin password';
const NO_VISION = { available: false as const, reason: 'not needed here' };

let server: ServerProcess | null = null;
let port = 0;
let url = '';
let examToken = '';

/** A real 4 s WebM segment as MediaRecorder would cut one (ffmpeg's test pattern, `offset` makes each differ). */
function webmSegment(offset: number): Uint8Array {
  const file = join(dir, `segment-${offset}.webm`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=160x120:rate=10:duration=4,hue=h=${offset * 30}`, '-c:v', 'libvpx', '-b:v', '100k', file]);
  return new Uint8Array(readFileSync(file));
}

type Details = { evidence: { sha256: string; bytes: number; verified: boolean }[] };

beforeAll(async () => {
  writeFileSync(join(dir, 'password'), PASSWORD);
  expect(vigilServer(serverHome, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]).status).toBe(0);
  const exam = vigilServer(serverHome, ['exam', 'create', '--name', 'Flagged clips', '--json']);
  examToken = (JSON.parse(exam.stdout.trim().split('\n').at(-1)!) as { enrolmentToken: string }).enrolmentToken;
  port = await freeLoopbackPort();
  url = `http://127.0.0.1:${port}`;
  server = await startServerProcess(serverHome, port);
}, 120_000);
afterAll(async () => server?.kill());

describe('flagged clips are sent while the exam runs', () => {
  it('sends one clip per pass, after the session\'s other rows', async () => {
    const store = openStore(join(dir, 'order.db'));
    try {
      const session = store.sessions.create({ source: 'live', studentId: 'st-order', sync: { serverUrl: url, examToken, studentId: 'st-order' } });
      store.events.append(session.id, 0, 'note', { line: 'before the clips' });
      const clipA = store.segments.add(session.id, { start: 0, end: 4, reason: 'flagged', mime: 'video/webm', bytes: randomBytes(200_000) });
      const clipB = store.segments.add(session.id, { start: 4, end: 8, reason: 'flagged', mime: 'video/webm', bytes: randomBytes(200_000) });
      for (let t = 1; t <= 5; t++) store.events.append(session.id, t, 'note', { line: `after the clips ${t}` });
      const spooler = new Spooler({ store });
      const kinds = () => store.outbox.pending().map((r) => r.kind);

      const first = await spooler.pass();
      // Enrolment, all six events (five queued behind the clips) and one clip; the other clip waits its turn.
      expect(first).toMatchObject({ sent: 8, failed: 0 });
      expect(kinds()).toEqual(['evidence']);
      expect(spooler.uploads.map((u) => u.segmentId)).toEqual([clipA.id]);
      const second = await spooler.pass();
      expect(second).toMatchObject({ sent: 1, pending: 0 });
      expect(spooler.uploads.map((u) => u.segmentId)).toEqual([clipA.id, clipB.id]);
    } finally {
      store.close();
    }
  }, 120_000);

  it('delivers the segments a flag keeps before the finish, and those cut while the server was down once it is back', async () => {
    const store = openStore(join(dir, 'live.db'));
    const s = { sec: 0 };
    const clock = createSessionClock({ originNs: 0n, monotonic: () => BigInt(Math.round(s.sec * 1e9)), wall: () => 1_700_000_000_000 + s.sec * 1000 });
    const live = new LiveSession({ policy: parsePolicy({ detectors: { face: false, audio: false } }), analyzer: NO_VISION, store, workDir: join(dir, 'work'), clock, studentId: 'st-live', examId: 'e', sync: { serverUrl: url, examToken, studentId: 'st-live' } });
    const runner = new SyncRunner({ store, idleMs: 100, downCapMs: 500, backoff: { baseMs: 100, capMs: 500 } });
    runner.start();
    try {
      const segments = [0, 1, 2, 3].map(webmSegment);
      s.sec = 4;
      live.addEvidence({ start: 0, end: 4, mime: 'video/webm', bytes: segments[0]! });
      s.sec = 6;
      live.pushSignal({ type: 'clipboard', t: 5, action: 'changed', formats: ['text/plain'], evidence: { length: 3, sha256: 'ab' } });
      const { flagged } = live.pushSignal({ type: 'prohibited_process', t: 6, name: 'anydesk', pid: 4242, category: 'remote_access', action: 'warned', evidence: { matchedOn: 'name' } });
      expect(flagged).toBe(true);
      s.sec = 8;
      live.addEvidence({ start: 4, end: 8, mime: 'video/webm', bytes: segments[1]! });
      runner.kick();

      const staff = await staffSession(url, 'admin@example.org', PASSWORD);
      const serverId = await until('the session enrolled', () => store.syncTargets.get(live.id)?.serverSessionId, 40_000);
      const held = (sha: string) => async () => (await staff.get<Details>(`/api/v1/sessions/${serverId}`)).evidence.find((e) => e.sha256 === sha && e.verified);
      for (const bytes of segments.slice(0, 2)) {
        const arrived = await until('a flagged segment on the server', held(sha256Hex(bytes)), 40_000);
        expect(arrived.bytes).toBe(bytes.byteLength);
      }
      // Before the finish: the server has no report for this candidate yet.
      expect((await staff.get<{ items: unknown[] }>('/api/v1/reports?student_id=st-live')).items).toEqual([]);

      // The server dies mid-exam; a segment cut meanwhile (still inside the flag's post-roll) waits, then arrives.
      await server!.kill('SIGKILL');
      server = null;
      s.sec = 12;
      live.addEvidence({ start: 8, end: 12, mime: 'video/webm', bytes: segments[2]! });
      runner.kick();
      await new Promise((r) => setTimeout(r, 1000));
      expect(store.outbox.pending().filter((r) => r.kind === 'evidence')).toHaveLength(1);
      server = await startServerProcess(serverHome, port);
      await until('the segment cut while the server was down', held(sha256Hex(segments[2]!)), 60_000);
      expect((await staff.get<{ items: unknown[] }>('/api/v1/reports?student_id=st-live')).items).toEqual([]);

      await live.finish();
      // The rolling buffer is disposed at the finish; what was sent stays in the store.
      const kept = store.segments.list(live.id).map((m) => m.sha256);
      for (const bytes of segments.slice(0, 3)) expect(kept).toContain(sha256Hex(bytes));
      await until('everything acknowledged after the finish', () => store.outbox.pendingCount() === 0, 60_000);
      const evidence = (await staff.get<Details>(`/api/v1/sessions/${serverId}`)).evidence;
      expect(evidence.every((e) => e.verified)).toBe(true);
    } finally {
      await runner.stop();
      store.close();
    }
  }, 240_000);

  it('sends a flagged segment still queued when the app was SIGKILLed mid-exam at the next start', async () => {
    const db = join(dir, 'killed.db');
    const segment = join(dir, 'killed.webm');
    writeFileSync(segment, webmSegment(7));
    // The exam's server is down: the clip stays queued until the kill.
    await server?.kill('SIGKILL');
    server = null;
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./testing/flagged-clip.child.ts', import.meta.url)), db, join(dir, 'killed-work'), url, examToken, segment], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the session process exited (${code}) before recording: ${stderr}`)));
    });
    const sent = JSON.parse(line) as { sessionId: string; flagged: boolean; sha256: string };
    expect(sent.flagged).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // The next start, with the server back.
    server = await startServerProcess(serverHome, port);
    const store = openStore(db);
    try {
      expect(store.outbox.pending().filter((r) => r.kind === 'evidence')).toHaveLength(1);
      expect(await new Spooler({ store }).drain(60_000)).toMatchObject({ done: true, pending: 0 });
      const staff = await staffSession(url, 'admin@example.org', PASSWORD);
      const details = await staff.get<Details>(`/api/v1/sessions/${store.syncTargets.get(sent.sessionId)!.serverSessionId}`);
      expect(details.evidence).toEqual([expect.objectContaining({ sha256: sent.sha256, verified: true })]);
    } finally {
      store.close();
    }
  }, 120_000);
});
