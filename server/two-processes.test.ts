/**
 * Two `vigil-server` processes on one PostgreSQL and one evidence folder, as behind a load balancer: an upload
 * begun on one finishes on the other (advisory-lock tus locker, shared store), and a live-feed subscriber on one
 * sees heartbeats that arrived at the other (LISTEN/NOTIFY).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EnrolResponse } from '../app/engine/sync/protocol';
import { createExam, createUser } from './store/exams';
import { enrolment, heartbeat } from './test/chain';
import { openTestDatabase, PASSWORD, type TestDatabase } from './test/harness';
import { sha256, tusCreate, tusPatch } from './test/tus';

const bin = join(import.meta.dirname, 'bin', 'vigil-server.mjs');
let database: TestDatabase;
const children: ChildProcess[] = [];
let one: string;
let two: string;
let examId: string;
let examToken: string;

function startProcess(databaseUrl: string, evidence: string): Promise<string> {
  const child = spawn(process.execPath, [bin, 'start', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, VIGIL_SERVER_HOME: mkdtempSync(join(tmpdir(), 'vigil-server-proc-')), VIGIL_EVIDENCE_DIR: evidence },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`vigil-server exited with ${code}: ${out}`)));
  });
}

beforeAll(async () => {
  database = await openTestDatabase('postgres');
  await createUser(database.db.db, 'admin@example.org', PASSWORD, 'admin');
  ({ examId, enrolmentToken: examToken } = await createExam(database.db.db, { name: 'Chemistry' }));
  const evidence = mkdtempSync(join(tmpdir(), 'vigil-shared-evidence-'));
  [one, two] = await Promise.all([startProcess(database.databaseUrl!, evidence), startProcess(database.databaseUrl!, evidence)]);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await database?.dispose();
});

async function enrol(base: string): Promise<EnrolResponse> {
  const res = await fetch(`${base}/api/v1/sync/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(enrolment(examToken)) });
  expect(res.status).toBe(200);
  return (await res.json()) as EnrolResponse;
}

describe('two server processes on one PostgreSQL', () => {
  it('finishes on the second process an upload begun on the first', async () => {
    const s = await enrol(one);
    const clip = randomBytes(300_000);
    const created = await tusCreate(one, s.sessionToken, clip.length, { sessionId: s.sessionId, segmentId: '1', sha256: sha256(clip), mime: 'video/mp4' });
    expect(created.status).toBe(201);
    const path = new URL(created.location!, `${one}/api/v1/sync/evidence/`).pathname;
    expect((await tusPatch(`${one}${path}`, s.sessionToken, 0, clip.subarray(0, 100_000))).offset).toBe('100000');
    const head = await fetch(`${two}${path}`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${s.sessionToken}` } });
    expect(head.headers.get('upload-offset')).toBe('100000');
    const rest = await tusPatch(`${two}${path}`, s.sessionToken, 100_000, clip.subarray(100_000));
    expect(rest.status).toBe(204);
    const row = await database.db.db.selectFrom('evidence').select(['status', 'bytes']).where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'verified', bytes: '300000' });
  });

  it('shows a subscriber on the second process the heartbeats that arrive at the first', async () => {
    const login = await fetch(`${two}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.org', password: PASSWORD }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const socket = new WebSocket(`${two.replace('http', 'ws')}/api/v1/live?exam_id=${examId}`, { headers: { cookie } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const messages: unknown[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const s = await enrol(one);
    const beat = await fetch(`${one}/api/v1/sync/sessions/${s.sessionId}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.sessionToken}` }, body: JSON.stringify({ ...heartbeat(), riskLevel: 'SUSPICIOUS' }) });
    expect(beat.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => (m as { type: string }).type === 'heartbeat') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    socket.close();
    expect(messages).toContainEqual(expect.objectContaining({ type: 'session.enrolled', sessionId: s.sessionId }));
    expect(messages).toContainEqual(expect.objectContaining({ type: 'heartbeat', sessionId: s.sessionId, riskLevel: 'SUSPICIOUS' }));
  });
});
