/**
 * The heartbeat interval is the server's to state (sync protocol v1: `heartbeatSeconds` at enrolment and in every
 * heartbeat's answer), and the client's to bound. Over real loopback HTTP:
 * - the reference server (`vigil-server`, PGlite) started with VIGIL_HEARTBEAT_SECONDS=1: a live session's link
 *   takes 1 s and its heartbeats arrive that often; a server started with 0 refuses to start, saying why;
 * - a hostile server (a plain Node HTTP server on loopback answering heartbeats, standing in for a broken or
 *   malicious institution server) stating absurd intervals. Attacks tried, and what each got:
 *     0.001 s (make the client spin)        → clamped to 1 s: a handful of heartbeats in 2.5 s, not thousands
 *     86400 s (make the client go silent)    → clamped to 60 s
 *     -3, "soon", null (broken answers)      → the default 5 s
 *     an absurd interval beside an instruction → the instruction still reaches the app
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../storage/store';
import { LiveSync } from './live-sync';
import { HEARTBEAT_BOUNDS, heartbeatInterval } from './protocol';
import { Spooler } from './spooler';
import { freeLoopbackPort } from './testing/ports';
import { startServerProcess, vigilServer, type ServerProcess } from './testing/server-process';

const dir = mkdtempSync(join(tmpdir(), 'vigil-heartbeat-interval-'));
const STATUS = { t: 1, intervalScore: 0, riskLevel: 'CLEAN', activeWarnings: [], alerts: 0 };

describe('heartbeatInterval (what the client makes of a stated interval)', () => {
  it('keeps a sane interval, clamps absurd ones into the bounds and ignores what is not a number', () => {
    expect(heartbeatInterval(7)).toBe(7);
    expect(heartbeatInterval(0.001)).toBe(HEARTBEAT_BOUNDS.minSec);
    expect(heartbeatInterval(86_400)).toBe(HEARTBEAT_BOUNDS.maxSec);
    expect(heartbeatInterval(Number.MAX_VALUE)).toBe(HEARTBEAT_BOUNDS.maxSec);
    for (const broken of [0, -3, Number.NaN, Number.POSITIVE_INFINITY, '1', 'soon', null, undefined, {}, [2]]) {
      expect(heartbeatInterval(broken), String(broken)).toBe(HEARTBEAT_BOUNDS.defaultSec);
    }
  });
});

describe('a live session heartbeats as often as its server says', () => {
  const serverHome = join(dir, 'server');
  let server: ServerProcess | null = null;
  let port = 0;
  let examToken = '';

  beforeAll(async () => {
    writeFileSync(join(dir, 'password'), 'a long enough admin password');
    expect(vigilServer(serverHome, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]).status).toBe(0);
    const exam = vigilServer(serverHome, ['exam', 'create', '--name', 'Intervals', '--json']);
    examToken = (JSON.parse(exam.stdout.trim().split('\n').at(-1)!) as { enrolmentToken: string }).enrolmentToken;
    port = await freeLoopbackPort();
  }, 120_000);
  afterAll(async () => server?.kill());

  it('refuses to start a server whose VIGIL_HEARTBEAT_SECONDS is out of bounds, naming it', async () => {
    await expect(startServerProcess(serverHome, port, { VIGIL_HEARTBEAT_SECONDS: '0' })).rejects.toThrow(/VIGIL_HEARTBEAT_SECONDS: "0" is not whole seconds from 1 to 60/);
  }, 120_000);

  it('takes the 1 s the reference server states and heartbeats every second', async () => {
    server = await startServerProcess(serverHome, port, { VIGIL_HEARTBEAT_SECONDS: '1' });
    const store = openStore(join(dir, 'real.db'));
    try {
      const session = store.sessions.create({ source: 'live', studentId: 'st-1', sync: { serverUrl: server.url, examToken, studentId: 'st-1' } });
      expect(await new Spooler({ store }).drain(30_000)).toMatchObject({ done: true });
      const link = new LiveSync({ store, sessionId: session.id, status: () => STATUS, kick: () => {}, interimSec: 3600 });
      expect(link.intervalSec).toBe(HEARTBEAT_BOUNDS.defaultSec);
      link.start();
      await link.beat(); // the first answer states the interval
      expect(link.intervalSec).toBe(1);
      const before = link.heartbeats;
      await new Promise((r) => setTimeout(r, 4500));
      // At the default 5 s this window holds at most one; at 1 s about four (a loaded machine may lose one).
      expect(link.heartbeats - before).toBeGreaterThanOrEqual(3);
      expect(link.heartbeats - before).toBeLessThanOrEqual(6);
      await link.stop();
    } finally {
      store.close();
    }
  }, 120_000);
});

describe('a hostile server cannot make the client spin or fall silent', () => {
  let stated: unknown = 1;
  let instruction: unknown = null;
  let beats = 0;
  let hostile: Server;
  let url = '';

  beforeAll(async () => {
    hostile = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST' && /\/heartbeat$/.test(req.url ?? '')) beats++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ serverTime: new Date().toISOString(), heartbeatSeconds: stated, instruction }));
      });
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(hostile.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => hostile.close(() => resolve())));

  function enrolledLink(store: Store, name: string): LiveSync {
    const session = store.sessions.create({ source: 'live', studentId: name, sync: { serverUrl: url, examToken: 'x'.repeat(32), studentId: name } });
    store.syncTargets.enrolled(session.id, '00000000-0000-4000-8000-000000000000', 'A'.repeat(43));
    return new LiveSync({ store, sessionId: session.id, status: () => STATUS, kick: () => {}, interimSec: 3600 });
  }

  it('clamps a stated 1 ms to the lower bound: a handful of heartbeats, not thousands', async () => {
    const store = openStore(join(dir, 'spin.db'));
    try {
      stated = 0.001;
      const link = enrolledLink(store, 'st-spin');
      link.start();
      await link.beat();
      expect(link.intervalSec).toBe(HEARTBEAT_BOUNDS.minSec);
      beats = 0;
      await new Promise((r) => setTimeout(r, 2500));
      expect(beats).toBeGreaterThanOrEqual(1);
      expect(beats).toBeLessThanOrEqual(4);
      await link.stop();
    } finally {
      store.close();
    }
  });

  it('clamps a stated day to the upper bound, and falls back to the default for broken values', async () => {
    const store = openStore(join(dir, 'silent.db'));
    try {
      const link = enrolledLink(store, 'st-silent');
      stated = 86_400;
      await link.beat();
      expect(link.intervalSec).toBe(HEARTBEAT_BOUNDS.maxSec);
      for (const broken of [-3, 'soon', null]) {
        stated = broken;
        await link.beat();
        expect(link.intervalSec, String(broken)).toBe(HEARTBEAT_BOUNDS.defaultSec);
      }
      await link.stop();
    } finally {
      store.close();
    }
  });

  it('still hands the app an instruction that came with an absurd interval', async () => {
    const store = openStore(join(dir, 'instruction.db'));
    try {
      const link = enrolledLink(store, 'st-told');
      stated = -1e9;
      instruction = { id: 'i-1', kind: 'message', message: 'Face the camera.' };
      await link.beat();
      expect(link.last).toMatchObject({ ok: true });
      expect(link.exchange([])).toEqual([{ id: 'i-1', kind: 'message', message: 'Face the camera.' }]);
      await link.stop();
    } finally {
      instruction = null;
      store.close();
    }
  });
});
