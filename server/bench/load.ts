/**
 * `vigil-server bench`: simulated candidates on loopback against one `vigil-server` process. Each candidate
 * enrols, then sends a heartbeat every 5 s, a batch of 5 hash-chained events every 10 s and one evidence clip
 * (tus, 32 KiB) a minute, spread evenly. A level is held when every request succeeded with p99 latency under
 * 250 ms and the server acknowledged every event sent.
 *
 * Without explicit levels the bench searches: it doubles from `start` while levels are held, then halves the gap
 * between the largest held and the smallest not held, and stops when the gap is small or the time budget would be
 * passed by the next level. This process is the load generator: the server runs as its own process, and requests
 * go through one keep-alive agent with plain `node:http` (cheaper than fetch), so the generator takes as little of
 * the shared cores as it can; each level says how much CPU each side spent per request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS, chainHash } from '../../app/engine/storage/hash-chain';
import type { ChainedEvent, EnrolResponse, EventAck } from '../../app/engine/sync/protocol';
import { openServerDb } from '../store/db';
import { createExam } from '../store/exams';
import { startPostgresCluster } from '../test/postgres-cluster';

export interface BenchOptions {
  readonly database: 'pglite' | 'postgres';
  /** Levels to run in turn, stopping at the first not held; empty: search (see above). */
  readonly levels: readonly number[];
  readonly seconds: number;
  /** The search's first level. */
  readonly start?: number;
  /** The search stops before a level that would end past this many seconds from the start. */
  readonly budgetSeconds?: number;
  readonly log: (line: string) => void;
}

interface RouteFigures {
  requests: number;
  p50Ms: number;
  p99Ms: number;
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
  routes: { heartbeat: RouteFigures; events: RouteFigures; clip: RouteFigures };
  /** CPU milliseconds per request: the server process, the database (PostgreSQL's processes; PGlite runs inside the server) and this generator. */
  cpuMsPerRequest: { server: number; database: number | null; generator: number };
  loadAverage: number;
  firstErrors: string[];
}

const P99_LIMIT_MS = 250;
const REQUEST_TIMEOUT_MS = 15_000;
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
  const began = performance.now();
  const home = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const cluster = options.database === 'postgres' && !process.env.DATABASE_URL ? await startPostgresCluster() : null;
  const databaseUrl = options.database === 'postgres' ? (process.env.DATABASE_URL ?? (await cluster!.createDatabase('vigil_bench'))) : null;
  let server: ChildProcess | null = null;
  const budgetMs = (options.budgetSeconds ?? 540) * 1000;
  try {
    const db = await openServerDb({ home, databaseUrl });
    const { enrolmentToken } = await createExam(db.db, { name: 'bench' });
    await db.close();
    const { url, child } = await startServer(home, databaseUrl);
    server = child;
    const cpu = new CpuMeter(child.pid!, cluster?.dataDir ?? null);
    const results: LevelResult[] = [];
    const run = async (n: number) => {
      const level = await runLevel(url, enrolmentToken, n, options.seconds, cpu);
      results.push(level);
      options.log(
        `bench: ${n} candidates: p50 ${level.p50Ms} ms, p99 ${level.p99Ms} ms (heartbeat ${level.routes.heartbeat.p99Ms}, events ${level.routes.events.p99Ms}, clip ${level.routes.clip.p99Ms}), ` +
          `${level.errors} errors of ${level.requests} requests, events ${level.eventsReceived}/${level.eventsSent}, ` +
          `CPU ms/request server ${level.cpuMsPerRequest.server} database ${level.cpuMsPerRequest.database ?? '-'} generator ${level.cpuMsPerRequest.generator} (load ${level.loadAverage})` +
          (level.firstErrors.length ? `; first errors: ${level.firstErrors.join(' | ')}` : ''),
      );
      // Let the server drain what a level that was not held left queued before the next one starts.
      await new Promise((r) => setTimeout(r, level.held ? 1000 : 5000));
      return level.held;
    };
    // A level costs its seconds, the enrolments and the drain; refuse to start one that would end past the budget.
    const fits = (n: number) => performance.now() - began + (options.seconds + 10 + n / 200) * 1000 <= budgetMs;
    if (options.levels.length) {
      for (const n of options.levels) if (!(await run(n))) break;
    } else {
      let low = 0;
      let high = Infinity;
      let n = options.start ?? 250;
      while (n <= 20_000 && fits(n)) {
        if (await run(n)) low = n;
        else high = n;
        if (high === Infinity) n *= 2;
        else {
          if (high - low <= Math.max(50, low * 0.1)) break;
          // The midpoint, on a multiple of 50 when one lies strictly between.
          n = Math.round((low + high) / 2 / 50) * 50;
          if (n <= low || n >= high) n = Math.round((low + high) / 2);
          if (n <= low || n >= high) break;
        }
      }
    }
    const best = [...results].filter((r) => r.held).sort((a, b) => b.candidates - a.candidates)[0] ?? null;
    const shown = best ?? results.at(-1)!;
    return {
      database: options.database,
      candidates: best?.candidates ?? 0,
      p99Ms: shown.p99Ms,
      errors: shown.errors,
      eventsSent: shown.eventsSent,
      eventsReceived: shown.eventsReceived,
      smallestNotHeld: results.filter((r) => !r.held).sort((a, b) => a.candidates - b.candidates)[0]?.candidates ?? null,
      secondsPerLevel: options.seconds,
      benchSeconds: Math.round((performance.now() - began) / 1000),
      levels: results,
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      note: 'load generator (this process), server process and database share this machine; loopback only',
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
  // VIGIL_BENCH_SERVER_NODE_ARGS: extra node flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = (process.env.VIGIL_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(import.meta.dirname, '..', 'bin', 'vigil-server.mjs'), 'start', '--port', '0'], {
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

/** CPU time (ms) of the server process, the PostgreSQL cluster's processes (from /proc) and this process. */
class CpuMeter {
  private readonly tick = 100; // USER_HZ on Linux
  constructor(
    private readonly serverPid: number,
    private readonly pgDataDir: string | null,
  ) {}

  private procMs(pid: number, withChildren = false): number {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 after the command name.
      const own = Number(f[11]) + Number(f[12]);
      return ((withChildren ? own + Number(f[13]) + Number(f[14]) : own) * 1000) / this.tick;
    } catch {
      return 0;
    }
  }

  private databaseMs(): number | null {
    if (!this.pgDataDir) return null;
    let postmaster: number;
    try {
      postmaster = Number(readFileSync(join(this.pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return null;
    }
    // Backends are the postmaster's children; those that ended are counted in its cutime/cstime.
    let total = this.procMs(postmaster, true);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += this.procMs(Number(entry));
      } catch {
        // the process ended meanwhile
      }
    }
    return total;
  }

  sample() {
    const own = process.cpuUsage();
    return { server: this.procMs(this.serverPid), database: this.databaseMs(), generator: (own.user + own.system) / 1000 };
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function runLevel(url: string, examToken: string, n: number, seconds: number, cpu: CpuMeter): Promise<LevelResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const base = new URL(url);
  const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer | string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request({ agent, host: base.hostname, port: base.port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  const json = async (path: string, payload: unknown, token?: string) => {
    const res = await send('POST', path, { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, JSON.stringify(payload));
    if (res.status !== 200) throw new Error(`${path.replace(/[0-9a-f-]{36}/, ':id')}: ${res.status} ${res.body.slice(0, 120)}`);
    return JSON.parse(res.body) as unknown;
  };

  const latencies = { heartbeat: [] as number[], events: [] as number[], clip: [] as number[] };
  const firstErrors: string[] = [];
  let errors = 0;
  let eventsSent = 0;
  const timed = async <T>(route: keyof typeof latencies, fn: () => Promise<T>): Promise<T | null> => {
    const t0 = performance.now();
    try {
      const value = await fn();
      latencies[route].push(performance.now() - t0);
      return value;
    } catch (error) {
      errors++;
      if (firstErrors.length < 3) firstErrors.push(`${route}: ${(error as Error).message}`);
      return null;
    }
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
    timed('heartbeat', () => json(`/api/v1/sync/sessions/${c.session.sessionId}/heartbeat`, { protocol: 1, clock: new Date().toISOString(), intervalScore: 1, riskLevel: 'CLEAN', activeWarnings: [], pendingOutbox: 0, chainHead: { seq: c.seq, hash: c.head }, confirmed: [] }, c.session.sessionToken));
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
    const ack = (await timed('events', () => json(`/api/v1/sync/sessions/${c.session.sessionId}/events`, { protocol: 1, events: batch }, c.session.sessionToken))) as EventAck | null;
    if (ack) c.acked = ack.ackSeq;
  };
  const clip = (c: Candidate) =>
    timed('clip', async () => {
      const meta = { sessionId: c.session.sessionId, segmentId: String(++c.clips), sha256: CLIP_SHA, mime: 'video/mp4' };
      const auth = { 'tus-resumable': '1.0.0', authorization: `Bearer ${c.session.sessionToken}` };
      const create = await send('POST', '/api/v1/sync/evidence', { ...auth, 'upload-length': String(CLIP.length), 'upload-metadata': Object.entries(meta).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',') });
      if (create.status !== 201) throw new Error(`create ${create.status} ${create.body.slice(0, 120)}`);
      const location = new URL(String(create.headers.location), `${url}/api/v1/sync/evidence/`);
      const patch = await send('PATCH', location.pathname, { ...auth, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, CLIP);
      if (patch.status !== 204) throw new Error(`patch ${patch.status} ${patch.body.slice(0, 120)}`);
    });

  // Each candidate gets an offset within the period, so the load is spread as real exams spread it.
  const cpuBefore = cpu.sample();
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
  const cpuAfter = cpu.sample();
  agent.destroy();

  const figures = (values: number[]): RouteFigures => {
    values.sort((a, b) => a - b);
    return { requests: values.length, p50Ms: Math.round(percentile(values, 0.5)), p99Ms: Math.round(percentile(values, 0.99)) };
  };
  const all = [...latencies.heartbeat, ...latencies.events, ...latencies.clip].sort((a, b) => a - b);
  const routes = { heartbeat: figures(latencies.heartbeat), events: figures(latencies.events), clip: figures(latencies.clip) };
  const requests = all.length + errors;
  // A clip is two HTTP requests (creation, PATCH); CPU is shared out per HTTP request.
  const httpRequests = Math.max(1, requests + routes.clip.requests);
  const perRequest = (ms: number) => Math.round((ms / httpRequests) * 100) / 100;
  const eventsReceived = candidates.reduce((sum, c) => sum + c.acked, 0);
  const p99Ms = Math.round(percentile(all, 0.99));
  return {
    candidates: n,
    requests,
    errors,
    p50Ms: Math.round(percentile(all, 0.5)),
    p99Ms,
    eventsSent,
    eventsReceived,
    held: errors === 0 && p99Ms < P99_LIMIT_MS && eventsReceived === eventsSent,
    routes,
    cpuMsPerRequest: {
      server: perRequest(cpuAfter.server - cpuBefore.server),
      database: cpuAfter.database === null || cpuBefore.database === null ? null : perRequest(cpuAfter.database - cpuBefore.database),
      generator: perRequest(cpuAfter.generator - cpuBefore.generator),
    },
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    firstErrors,
  };
}
