/**
 * A live exam session syncs while it runs, with real parts on loopback: the engine's live API (as the candidate
 * app drives it) on a signed exam config that names the server and its enrolment token, and the reference server
 * as a process (`vigil-server`, PGlite), read and instructed through its staff API as an invigilator would.
 * Server down at the start: the exam goes on and everything waits in the outbox; server up: enrolment, events,
 * heartbeats (score, risk, warnings, outbox, chain head), interim summaries and the report arrive; a message and
 * a finish instruction reach the app and are confirmed only once the app has shown or acted on them; the server
 * gone at the finish: the items wait, the next engine start sends them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, signExamConfig, trustEntry } from '../config/signed-config';
import jpeg from 'jpeg-js';
import { FRAME_HEADER_BYTES, allocateFrame } from '../live/frame-wire';
import { createLiveEngine, type LiveApi } from '../live/live-api';
import { samplePath } from '../vision/test-images';
import { processesOfThisTest } from '../signals/testing/own-processes';
import { openStore, type Store } from '../storage/store';
import { freeLoopbackPort } from './testing/ports';
import { startServerProcess, vigilServer, type ServerProcess } from './testing/server-process';
import { staffSession } from './testing/staff-api';
import { until } from './testing/until';

const dir = mkdtempSync(join(tmpdir(), 'vigil-live-sync-'));
const serverHome = join(dir, 'server');
const PASSWORD = 'a long enough admin password';
const FAST = { heartbeatSec: 0.5, interimSec: 1, idleMs: 100 };

let url = '';
let port = 0;
let examId = '';
let config = '';
let server: ServerProcess | null = null;
const trust = { installerFile: join(dir, 'trust.json'), machineFile: join(dir, 'no-machine-trust.json') };
/** A second exam whose policy shows invigilators a live thumbnail (liveView: thumbnails). */
let roomView = '';
const ROOM_VIEW_POLICY = { liveView: 'thumbnails', detectors: { face: false, audio: false }, os: { remoteSession: 'allow', virtualMachine: 'allow' } };

beforeAll(async () => {
  writeFileSync(join(dir, 'password'), PASSWORD);
  expect(vigilServer(serverHome, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]).status).toBe(0);
  const exam = vigilServer(serverHome, ['exam', 'create', '--name', 'Live algebra', '--json']);
  expect(exam.status, exam.stderr).toBe(0);
  const created = JSON.parse(exam.stdout.trim().split('\n').at(-1)!) as { examId: string; enrolmentToken: string };
  examId = created.examId;
  port = await freeLoopbackPort();
  url = `http://127.0.0.1:${port}`;
  // The institution's key, pinned in the installer's trust file, signs the config that names the server.
  const key = await generateSigningKey();
  writeFileSync(trust.installerFile, JSON.stringify({ version: 1, keys: [await trustEntry(key.publicKey, 'Example University', { servers: [{ url }] })] }));
  const now = Math.floor(Date.now() / 1000);
  config = await signExamConfig({ v: 1, examId, mode: 'exam', policy: { detectors: { face: false, audio: false }, os: { remoteSession: 'allow', virtualMachine: 'allow' } }, server: { url }, enrolmentToken: created.enrolmentToken, iat: now - 60, exp: now + 3600 }, key.privateKeyPem, key.kid);
  // Made before the server starts: the embedded database belongs to one process at a time.
  writeFileSync(join(dir, 'room-view.json'), JSON.stringify(ROOM_VIEW_POLICY));
  const room = vigilServer(serverHome, ['exam', 'create', '--name', 'Room view', '--policy', join(dir, 'room-view.json'), '--json']);
  expect(room.status, room.stderr).toBe(0);
  const roomExam = JSON.parse(room.stdout.trim().split('\n').at(-1)!) as { examId: string; enrolmentToken: string };
  roomView = await signExamConfig({ v: 1, examId: roomExam.examId, mode: 'exam', policy: ROOM_VIEW_POLICY, server: { url }, enrolmentToken: roomExam.enrolmentToken, iat: now - 60, exp: now + 3600 }, key.privateKeyPem, key.kid);
}, 120_000);

afterAll(async () => server?.kill());

function engine(store: Store) {
  return createLiveEngine({ store, env: { ...process.env, VIGIL_ALLOW_UNSIGNED: undefined, VIGIL_HOME: join(dir, 'client') }, trust, listProcesses: processesOfThisTest, sync: FAST });
}

type MonitorRow = { id: string; studentId: string; warnings: string[]; intervalScore: number | null; riskLevel: string | null; pendingOutbox: number | null; lastHeartbeatAt: string | null; instructions: { id: string; kind: string; confirmedAt: string | null }[] };

describe('a live session synced to the institution', () => {
  const store = openStore(join(dir, 'client.db'));
  let live: ReturnType<typeof engine>;
  let api: LiveApi;
  let sessionId = '';

  it('goes on while the server is down, then enrols, heartbeats with its state and sends its events once the server is up', async () => {
    live = engine(store);
    api = live.api;
    expect(await api['policy.parse']({ text: config, source: 'live-algebra.vigil-exam' })).toMatchObject({ ok: true, exam: { mode: 'exam', serverUrl: url } });
    sessionId = (await api['session.start']({ studentId: 'st-live' })).sessionId;
    // The server is down: nothing stops the exam; the outbox holds the enrolment and every event.
    api['session.device']({ sessionId, change: 'devices_changed', kind: 'camera', labels: ['USB camera'] });
    await new Promise((r) => setTimeout(r, 1500));
    const down = await api['session.sync']({ sessionId });
    expect(down.server).toBe(url);
    expect(down.heartbeat).toBeNull();
    expect(down.lastError).toMatch(/cannot reach the server/);
    expect(down.outbox.find((o) => o.kind === 'enrol')).toEqual({ kind: 'enrol', sent: 0, pending: 1 });
    expect(down.outbox.find((o) => o.kind === 'event')!.pending).toBeGreaterThanOrEqual(2);

    server = await startServerProcess(serverHome, port);
    const up = await until('a heartbeat answered', async () => {
      const s = await api['session.sync']({ sessionId });
      return s.heartbeat?.ok && s.outbox.every((o) => o.kind === 'interim' || o.pending === 0) && s;
    });
    expect(up.outbox.find((o) => o.kind === 'enrol')).toEqual({ kind: 'enrol', sent: 1, pending: 0 });
    expect(up.outbox.find((o) => o.kind === 'interim')?.sent).toBeGreaterThanOrEqual(1);

    const staff = await staffSession(url, 'admin@example.org', PASSWORD);
    const serverId = store.syncTargets.get(sessionId)!.serverSessionId!;
    const row = await until('the session on the monitor with a heartbeat', async () => (await staff.get<MonitorRow[]>(`/api/v1/exams/${examId}/monitor`)).find((r) => r.id === serverId && r.lastHeartbeatAt));
    // The state as the engine scored it (on a loaded machine a stalled event loop can already count as a clock jump).
    expect(row.studentId).toBe('st-live');
    expect(row.riskLevel).toMatch(/^(CLEAN|BORDERLINE|SUSPICIOUS|HIGH_RISK)$/);
    expect(Array.isArray(row.warnings)).toBe(true);
    expect(typeof row.intervalScore).toBe('number');
    const details = await staff.get<{ lastHeartbeat: { chainHead: { seq: number; hash: string }; pendingOutbox: number; clock: string }; chain: { verified: boolean } }>(`/api/v1/sessions/${serverId}`);
    // The head the server keeps is one the client's own chain has (events sent later must hash to it).
    const head = details.lastHeartbeat.chainHead;
    expect(head.seq).toBeGreaterThanOrEqual(2);
    expect(store.events.list(sessionId)[head.seq - 1]!.hash).toBe(head.hash);
    expect(details.chain.verified).toBe(true);
  }, 120_000);

  it('shows a message and acts on finish only through the app: each is confirmed on the heartbeat after the app reported it done', async () => {
    const staff = await staffSession(url, 'admin@example.org', PASSWORD);
    const serverId = store.syncTargets.get(sessionId)!.serverSessionId!;
    const instruction = async (id: string) => (await staff.get<MonitorRow[]>(`/api/v1/exams/${examId}/monitor`)).find((r) => r.id === serverId)!.instructions.find((i) => i.id === id)!;

    const message = await staff.post<{ id: string }>(`/api/v1/sessions/${serverId}/instructions`, { kind: 'message', message: 'Please face the camera.' });
    const delivered = await until('the message in the app', async () => (await api['session.sync']({ sessionId })).instructions.find((i) => i.id === message.id));
    expect(delivered).toEqual({ id: message.id, kind: 'message', message: 'Please face the camera.' });
    // Heartbeats go on, but the app has not shown it yet: not confirmed.
    await new Promise((r) => setTimeout(r, 1200));
    expect((await instruction(message.id)).confirmedAt).toBeNull();
    expect((await api['session.sync']({ sessionId })).instructions.map((i) => i.id)).toEqual([message.id]);
    // Shown: the app says so, and the next heartbeat confirms it; it is never handed to the app again.
    expect((await api['session.sync']({ sessionId, done: [message.id] })).instructions).toEqual([]);
    await until('the message confirmed', async () => (await instruction(message.id)).confirmedAt);
    // A forged id from the page confirms nothing it was not given.
    expect((await api['session.sync']({ sessionId, done: ['not-an-instruction'] })).instructions).toEqual([]);

    const finish = await staff.post<{ id: string }>(`/api/v1/sessions/${serverId}/instructions`, { kind: 'finish' });
    await until('the finish instruction in the app', async () => (await api['session.sync']({ sessionId })).instructions.find((i) => i.kind === 'finish'));
    await api['session.sync']({ sessionId, done: [finish.id] });
    // The page's word is not enough for a finish: it is confirmed once the session has really finished.
    await new Promise((r) => setTimeout(r, 1200));
    expect((await instruction(finish.id)).confirmedAt).toBeNull();
    const finished = await api['session.finish']({ sessionId });
    await until('the finish confirmed', async () => (await instruction(finish.id)).confirmedAt);
    const after = await until('everything acknowledged', async () => {
      const s = await api['session.sync']({ sessionId });
      return s.outbox.every((o) => o.pending === 0) && s;
    });
    expect(after.outbox.find((o) => o.kind === 'report')).toEqual({ kind: 'report', sent: 1, pending: 0 });
    const report = await until('the report on the server', async () => (await staff.get<{ items: { id: string; sessionId?: string }[] }>(`/api/v1/reports?student_id=st-live`)).items[0]);
    const full = await staff.get<{ sessionId: string; chain: { verified: boolean; events: number } }>(`/api/v1/reports/${report.id}`);
    expect(full.sessionId).toBe(finished.sessionId);
    expect(full.chain.verified).toBe(true);
    expect(full.chain.events).toBe(store.events.list(sessionId).length);
    // What the candidate was told, and when the app showed it, is in the session's own chain.
    expect(store.events.list(sessionId).filter((e) => e.type.startsWith('instruction.')).map((e) => [e.type, (e.payload as { kind: string }).kind])).toEqual([
      ['instruction.received', 'message'], ['instruction.done', 'message'], ['instruction.received', 'finish'], ['instruction.done', 'finish'],
    ]);
  }, 120_000);

  it('keeps what the server did not get when it went away at the finish, and sends it at the next engine start', async () => {
    expect(await api['policy.parse']({ text: config, source: 'live-algebra.vigil-exam' })).toMatchObject({ ok: true });
    const second = (await api['session.start']({ studentId: 'st-later' })).sessionId;
    await until('the second session enrolled', () => store.syncTargets.get(second)?.sessionToken);
    await server!.kill('SIGKILL');
    server = null;
    await api['session.finish']({ sessionId: second });
    const waiting = await api['session.sync']({ sessionId: second });
    expect(waiting.outbox.find((o) => o.kind === 'report')).toEqual({ kind: 'report', sent: 0, pending: 1 });
    await live.stopSync(); // the candidate closes the app with items pending

    server = await startServerProcess(serverHome, port);
    const restarted = engine(store);
    await restarted.recover({ restarted: false });
    const sent = await until('the queue drained at the next start', async () => {
      const s = await restarted.api['session.sync']({ sessionId: second });
      return s.outbox.every((o) => o.pending === 0) && s;
    });
    expect(sent.outbox.find((o) => o.kind === 'report')).toEqual({ kind: 'report', sent: 1, pending: 0 });
    const staff = await staffSession(url, 'admin@example.org', PASSWORD);
    expect((await staff.get<{ items: unknown[] }>(`/api/v1/reports?student_id=st-later`)).items).toHaveLength(1);
    await restarted.stopSync();
  }, 120_000);
});

describe('live thumbnails (policy liveView)', () => {
  /** @vladmandic/human's FaceID screenshot cropped to 640x480, as a session's camera frame in bytes (rgb24). */
  function cameraFrame(sessionId: string, seq: number, t: number): Uint8Array {
    const photo = jpeg.decode(readFileSync(samplePath('screenshot-faceid.jpg')), { useTArray: true });
    const bytes = allocateFrame({ sessionId, seq, t, width: 640, height: 480, format: 'rgb24' });
    for (let y = 0; y < 480; y++) for (let x = 0; x < 640; x++) bytes.set(photo.data.subarray((y * photo.width + x) * 4, (y * photo.width + x) * 4 + 3), FRAME_HEADER_BYTES + (y * 640 + x) * 3);
    return bytes;
  }

  it("sends the engine's own small picture of the camera when the exam's policy says thumbnails, and none when it says status", async () => {
    server ??= await startServerProcess(serverHome, port);
    const store = openStore(join(dir, 'thumbnails.db'));
    const live = engine(store);
    const api = live.api;
    const staff = await staffSession(url, 'admin@example.org', PASSWORD);
    const sit = async (text: string, studentId: string) => {
      expect(await api['policy.parse']({ text, source: `${studentId}.vigil-exam` })).toMatchObject({ ok: true });
      const sessionId = (await api['session.start']({ studentId })).sessionId;
      await until(`${studentId} enrolled`, () => store.syncTargets.get(sessionId)?.sessionToken);
      return { sessionId, serverId: store.syncTargets.get(sessionId)!.serverSessionId! };
    };
    const thumbnailOf = (serverId: string) => staff.get<ArrayBuffer>(`/api/v1/sessions/${serverId}/thumbnail`, 'arraybuffer').then(
      (body) => Buffer.from(body),
      (error: { response?: { status: number } }) => error.response?.status ?? 0,
    );

    const watched = await sit(roomView, 'st-room');
    expect((await api['session.frameBytes']({ bytes: cameraFrame(watched.sessionId, 0, 0.1) })).ok).toBe(true);
    const picture = await until('the thumbnail on the server', async () => {
      const got = await thumbnailOf(watched.serverId);
      return typeof got !== 'number' && got;
    });
    const shown = jpeg.decode(picture);
    expect([shown.width, shown.height]).toEqual([160, 120]);
    await api['session.finish']({ sessionId: watched.sessionId });

    // The first exam's policy says status: the same frames give the invigilator no picture.
    const statusOnly = await sit(config, 'st-status');
    expect((await api['session.frameBytes']({ bytes: cameraFrame(statusOnly.sessionId, 0, 0.1) })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await thumbnailOf(statusOnly.serverId)).toBe(404);
    await api['session.finish']({ sessionId: statusOnly.sessionId });
    await live.stopSync();
  }, 120_000);
});
