/**
 * `vigil-server bench`: simulated candidates on loopback against one `vigil-server` process. Each candidate
 * enrols, then sends a heartbeat every 5 s, a batch of 5 hash-chained events every 10 s and one evidence clip
 * (tus, 32 KiB) a minute, spread evenly. Levels of candidates run in turn; a level is held when every request
 * succeeded with p99 latency under 250 ms and the server acknowledged every event sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS, chainHash } from '../../app/engine/storage/hash-chain';
import type { ChainedEvent, EnrolResponse, EventAck } from '../../app/engine/sync/protocol';
import { openServerDb } from '../store/db';
import { createExam } from '../store/exams';
import { startPostgresCluster } from '../test/postgres-cluster';

export interface BenchOptions {
  readonly database: 'pglite' | 'postgres';
  readonly levels: readonly number[];
  readonly seconds: number;
  readonly log: (line: string) => void;
}

export interface LevelResult {
  candidates: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  eventsSent: number;
  eventsReceived: number;
  held: boolean;
}

const CLIP = randomBytes(32 * 1024);
const CLIP_SHA = createHash('sha256').update(CLIP).digest('hex');

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;
}

class Candidate {
  seq = 0;
  head = GENESIS;
  acked = 0;
  clips = 0;
  constructor(
    readonly clientSessionId: string,
    readonly session: EnrolResponse,
  ) {}
}

export async function runBench(options: BenchOptions) {
  const home = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const cluster = options.database === 'postgres' && !process.env.DATABASE_URL ? await startPostgresCluster() : null;
  const databaseUrl = options.database === 'postgres' ? (process.env.DATABASE_URL ?? (await cluster!.createDatabase('vigil_bench'))) : null;
  let server: ChildProcess | null = null;
  try {
    const db = await openServerDb({ home, databaseUrl });
    const { enrolmentToken } = await createExam(db.db, { name: 'bench' });
    await db.close();
    const { url, child } = await startServer(home, databaseUrl);
    server = child;
    const results: LevelResult[] = [];
    for (const n of options.levels) {
      const level = await runLevel(url, enrolmentToken, n, options.seconds);
      results.push(level);
      options.log(`bench: ${n} candidates: p50 ${level.p50Ms} ms, p99 ${level.p99Ms} ms, ${level.errors} errors of ${level.requests} requests, events ${level.eventsReceived}/${level.eventsSent} (load ${loadavg()[0]!.toFixed(1)})`);
      if (!level.held) break;
    }
    const best = [...results].reverse().find((r) => r.held) ?? null;
    const last = results.at(-1)!;
    return {
      database: options.database,
      candidates: best?.candidates ?? 0,
      p99Ms: (best ?? last).p99Ms,
      errors: (best ?? last).errors,
      eventsSent: (best ?? last).eventsSent,
      eventsReceived: (best ?? last).eventsReceived,
      secondsPerLevel: options.seconds,
      levels: results,
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      note: 'load generator and server share this machine; loopback only',
    };
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    cluster?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

function startServer(home: string, databaseUrl: string | null): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'vigil-server.mjs'), 'start', '--port', '0'], {
    env: { ...process.env, VIGIL_SERVER_HOME: home, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`vigil-server exited with ${code}`)));
  });
}

async function runLevel(url: string, examToken: string, n: number, seconds: number): Promise<LevelResult> {
  const latencies: number[] = [];
  let errors = 0;
  let eventsSent = 0;
  const timed = async <T>(fn: () => Promise<T>): Promise<T | null> => {
    const t0 = performance.now();
    try {
      const value = await fn();
      latencies.push(performance.now() - t0);
      return value;
    } catch {
      errors++;
      return null;
    }
  };
  const json = async (path: string, body: unknown, token?: string, method = 'POST') => {
    const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return res.json() as Promise<unknown>;
  };

  // Enrolment is not timed into the level: it happens once per exam, before the steady state measured here.
  const candidates: Candidate[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async () => {
        const clientSessionId = `bench-${randomBytes(8).toString('hex')}`;
        const session = (await json('/api/v1/sync/enrol', {
          protocol: 1, examToken, clientSessionId, enrolSecret: randomBytes(32).toString('base64url'), candidate: { studentId: clientSessionId },
          device: { platform: 'linux', arch: 'x64', release: 'bench' }, engineVersion: 'bench', startedAt: new Date().toISOString(),
        })) as EnrolResponse;
        return new Candidate(clientSessionId, session);
      }),
    );
    candidates.push(...batch);
  }

  const heartbeat = (c: Candidate) =>
    timed(() => json(`/api/v1/sync/sessions/${c.session.sessionId}/heartbeat`, { protocol: 1, clock: new Date().toISOString(), intervalScore: 1, riskLevel: 'CLEAN', activeWarnings: [], pendingOutbox: 0, chainHead: { seq: c.seq, hash: c.head }, confirmed: [] }, c.session.sessionToken));
  const events = async (c: Candidate) => {
    const batch: ChainedEvent[] = [];
    for (let k = 0; k < 5; k++) {
      const seq = ++c.seq;
      const content = { t: seq, type: 'alert.gaze_away', payload: { seq, confidence: 0.7 } };
      const hash = chainHash(c.head, { sessionId: c.clientSessionId, ...content });
      batch.push({ seq, ...content, prevHash: c.head, hash });
      c.head = hash;
    }
    eventsSent += batch.length;
    const ack = (await timed(() => json(`/api/v1/sync/sessions/${c.session.sessionId}/events`, { protocol: 1, events: batch }, c.session.sessionToken))) as EventAck | null;
    if (ack) c.acked = ack.ackSeq;
  };
  const clip = (c: Candidate) =>
    timed(async () => {
      const meta = { sessionId: c.session.sessionId, segmentId: String(++c.clips), sha256: CLIP_SHA, mime: 'video/mp4' };
      const create = await fetch(`${url}/api/v1/sync/evidence`, {
        method: 'POST',
        headers: { 'tus-resumable': '1.0.0', 'upload-length': String(CLIP.length), authorization: `Bearer ${c.session.sessionToken}`, 'upload-metadata': Object.entries(meta).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',') },
      });
      if (create.status !== 201) throw new Error(`create ${create.status}`);
      const patch = await fetch(new URL(create.headers.get('location')!, `${url}/api/v1/sync/evidence/`), { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', authorization: `Bearer ${c.session.sessionToken}` }, body: CLIP });
      if (patch.status !== 204) throw new Error(`patch ${patch.status}`);
    });

  // Each candidate gets an offset within the period, so the load is spread as real exams spread it.
  const start = performance.now();
  const pending: Promise<unknown>[] = [];
  const timers: NodeJS.Timeout[] = [];
  candidates.forEach((c, i) => {
    const offset = (i / n) * 5000;
    const schedule = (every: number, phase: number, fn: (c: Candidate) => Promise<unknown>) => {
      const tick = (k: number) => {
        const at = offset + phase + k * every;
        if (at > seconds * 1000) return;
        timers.push(setTimeout(() => {
          pending.push(fn(c));
          tick(k + 1);
        }, Math.max(0, start + at - performance.now())));
      };
      tick(0);
    };
    schedule(5000, 0, heartbeat);
    schedule(10_000, 2500, events);
    schedule(60_000, 1000 + (i % 60) * 1000, clip);
  });
  await new Promise((r) => setTimeout(r, seconds * 1000 + 200));
  timers.forEach(clearTimeout);
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const eventsReceived = candidates.reduce((sum, c) => sum + c.acked, 0);
  const p99Ms = Math.round(percentile(latencies, 0.99));
  return { candidates: n, requests: latencies.length + errors, errors, p50Ms: Math.round(percentile(latencies, 0.5)), p99Ms, eventsSent, eventsReceived, held: errors === 0 && p99Ms < 250 && eventsReceived === eventsSent };
}
