/**
 * End to end on loopback with real parts: a recording made by ffmpeg, `vigil analyze --server` as a process, the
 * reference server as a process (`vigil-server`, PGlite), and a reviewer's view through the staff API. Everything
 * must arrive whole: every event (chain verified on the server), the report, every evidence clip (sha256 matches).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Report } from '../report/report';
import { samplePath } from '../vision/test-images';
import { startServerProcess, vigilServer, type ServerProcess } from './testing/server-process';
import { staffSession } from './testing/staff-api';
import { freeLoopbackPort } from './testing/ports';

const dir = mkdtempSync(join(tmpdir(), 'vigil-sync-e2e-'));
const serverHome = join(dir, 'server');
const vigilBin = join(import.meta.dirname, '..', '..', 'cli', 'vigil.mjs');
const vigil = (home: string, ...args: string[]) => spawnSync(process.execPath, [vigilBin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: home }, timeout: 300_000 });
const PASSWORD = 'a long enough admin password';

let clip: string;
let examToken: string;
let port: number;
let server: ServerProcess | null = null;

beforeAll(async () => {
  // 2 s of one face, 3 s of five faces (multiple_faces: a flagged interval, so an evidence clip), 1 s of one face.
  clip = join(dir, 'exam.mp4');
  const one = samplePath('screenshot-faceid.jpg');
  const five = samplePath('screenshot-facedetect.jpg');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-t', '2', '-i', one, '-loop', '1', '-t', '3', '-i', five, '-loop', '1', '-t', '1', '-i', one,
    '-filter_complex', '[0]pad=800:718:0:77,setsar=1[a];[1]setsar=1[b];[2]pad=800:718:0:77,setsar=1[c];[a][b][c]concat=n=3:v=1[v]', '-map', '[v]', '-r', '6', '-pix_fmt', 'yuv420p', clip]);
  writeFileSync(join(dir, 'password'), PASSWORD);
  const init = vigilServer(serverHome, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]);
  expect(init.status, init.stderr).toBe(0);
  const exam = vigilServer(serverHome, ['exam', 'create', '--name', 'Algebra', '--json']);
  expect(exam.status, exam.stderr).toBe(0);
  examToken = (JSON.parse(exam.stdout.trim().split('\n').at(-1)!) as { enrolmentToken: string }).enrolmentToken;
  port = await freeLoopbackPort();
});

afterAll(async () => server?.kill());

async function expectArrivedWhole(url: string, studentId: string, local: Report) {
  const staff = await staffSession(url, 'admin@example.org', PASSWORD);
  const list = await staff.get<{ items: { id: string }[] }>(`/api/v1/reports?student_id=${studentId}`);
  expect(list.items).toHaveLength(1);
  const full = await staff.get<Report & { chain: { verified: boolean; events: number }; evidence: { id: string; sha256: string; bytes: number; verified: boolean }[] }>(`/api/v1/reports/${list.items[0]!.id}`);
  expect(full.sessionId).toBe(local.sessionId);
  expect(full.risk).toEqual(local.risk);
  expect(full.chain).toMatchObject({ verified: true, events: local.alerts.length });
  expect(local.segments.length).toBeGreaterThanOrEqual(1);
  expect(full.evidence.map((e) => [e.sha256, e.bytes, e.verified])).toEqual(local.segments.map((s) => [s.sha256, s.size, true]));
  for (const e of full.evidence) {
    const bytes = Buffer.from(await staff.get<ArrayBuffer>(`/api/v1/evidence/${e.id}`, 'arraybuffer'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(e.sha256);
  }
}

describe('vigil analyze --server, end to end', () => {
  it('keeps everything queued while the server is down for the whole exam, then drains it once the server starts', async () => {
    const home = join(dir, 'client-a');
    const url = `http://127.0.0.1:${port}`;
    const out = join(home, 'report.json');
    const run = vigil(home, 'analyze', clip, '--server', url, '--exam-token', examToken, '--student', 'st-down', '--calibration-seconds', '0', '--fps', '3', '--sync-timeout', '2', '--out', out);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^vigil: sync: 1 enrol, \d+ event, \d+ evidence, 1 report still queued for http:\/\/127\.0\.0\.1:\d+ \(.*cannot reach the server.*\); `vigil sync run` sends them later$/m);
    const status = JSON.parse(vigil(home, 'sync', 'status', '--json').stdout) as { pending: number };
    expect(status.pending).toBeGreaterThan(3);

    server = await startServerProcess(serverHome, port);
    const drained = vigil(home, 'sync', 'run', '--timeout', '60');
    expect(drained.status, drained.stderr).toBe(0);
    expect(JSON.parse(vigil(home, 'sync', 'status', '--json').stdout)).toMatchObject({ pending: 0 });
    await expectArrivedWhole(url, 'st-down', Report.parse(JSON.parse(readFileSync(out, 'utf8'))));
  });

  it('returns once the server acknowledged every event, the report and every clip', async () => {
    const home = join(dir, 'client-b');
    const out = join(home, 'report.json');
    const run = vigil(home, 'analyze', clip, '--server', server!.url, '--exam-token', examToken, '--student', 'st-up', '--calibration-seconds', '0', '--fps', '3', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/sync: http:\/\/127\.0\.0\.1:\d+ acknowledged everything \(1 enrol, \d+ event, \d+ evidence, 1 report\)/);
    await expectArrivedWhole(server!.url, 'st-up', Report.parse(JSON.parse(readFileSync(out, 'utf8'))));
  });

  it('refuses an unknown exam token and keeps the session queued, saying why', () => {
    const home = join(dir, 'client-c');
    const run = vigil(home, 'analyze', clip, '--server', server!.url, '--exam-token', 'x'.repeat(43), '--calibration-seconds', '0', '--fps', '3', '--sync-timeout', '3');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/vigil: sync: 1 enrol, .* still queued .*401 bad_exam_token: unknown exam enrolment token/);
  });
});
