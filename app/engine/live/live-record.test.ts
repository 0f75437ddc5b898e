import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/policy';
import { Report } from '../report/report';
import { createSessionClock } from '../signals/session-clock';
import { openStore } from '../storage/store';
import { interruptOpenSessions, policySha256, readRecordedSession } from './live-record';
import { LiveSession } from './live-session';
import { AHEAD_TOLERANCE_SEC } from './session-time';

const dir = mkdtempSync(join(tmpdir(), 'vigil-record-'));
const NO_VISION = { available: false as const, reason: 'not needed here' };

/** A session clock whose monotonic and wall parts the test moves (wall jumps move only the wall). */
function drivenClock() {
  const s = { sec: 0, wallOffsetMs: 0 };
  const clock = createSessionClock({ originNs: 0n, monotonic: () => BigInt(Math.round(s.sec * 1e9)), wall: () => 1_700_000_000_000 + s.sec * 1000 + s.wallOffsetMs });
  return { clock, s };
}

describe('the live record', () => {
  it('keeps everything a SIGKILLed session received, marks it interrupted, and reports the gap when it resumes', async () => {
    const db = join(dir, 'killed.db');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./live-record.child.ts', import.meta.url)), db, join(dir, 'work')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the session process exited (${code}) before recording: ${stderr}`)));
    });
    const sent = JSON.parse(line) as { sessionId: string; frames: number; signals: number; flagged: boolean; t: number };
    expect(sent.flagged).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killedAt = process.hrtime.bigint();

    const store = openStore(db);
    expect(store.events.verifyChain(sent.sessionId)).toMatchObject({ ok: true });
    const recorded = readRecordedSession(store, sent.sessionId);
    expect(recorded.frames).toHaveLength(sent.frames);
    expect(recorded.signals.map((s) => s.type)).toEqual(['clipboard', 'prohibited_process']);
    expect(recorded.segments).toHaveLength(1);
    const types = store.events.list(sent.sessionId).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['session.started', 'clipboard', 'prohibited_process', 'warning.shown', 'interval.flagged', 'evidence.segment']));
    expect(store.sessions.get(sent.sessionId)).toMatchObject({ status: 'open', studentId: 'cand-7', examId: 'maths-1', interruptions: 0 });

    // The next engine start marks it; the page's next call resumes it on the same monotonic axis.
    expect(interruptOpenSessions(store)).toEqual([sent.sessionId]);
    expect(store.sessions.get(sent.sessionId)).toMatchObject({ interruptions: 1, interruptedAt: expect.any(String) });
    await new Promise((r) => setTimeout(r, 1500));
    const policy = parsePolicy({ processingFps: 2 });
    const resumed = LiveSession.resume({ policy, analyzer: NO_VISION, store, workDir: join(dir, 'work'), watchWallClock: false }, sent.sessionId);
    expect(resumed.clock.now()).toBeGreaterThan(sent.t + 1.4);
    const report = Report.parse(await resumed.finish());
    const gapEnd = Number(process.hrtime.bigint() - killedAt) / 1e9;
    expect(report.sessionId).toBe(sent.sessionId);
    expect(report).toMatchObject({ studentId: 'cand-7', examId: 'maths-1' });
    expect(report.media.framesAnalysed).toBe(sent.frames);
    const gap = report.alerts.find((a) => a.type === 'session_interrupted');
    expect(gap).toBeDefined();
    expect(gap!.start).toBeCloseTo(sent.t, 0);
    expect(gap!.end - gap!.start).toBeGreaterThan(1.4);
    expect(gap!.end - gap!.start).toBeLessThan(1.4 + gapEnd + 1);
    expect(report.alerts.map((a) => a.type)).toEqual(expect.arrayContaining(['prohibited_process', 'clipboard', 'session_interrupted']));
    expect(report.intervals.some((i) => i.flagged)).toBe(true);
    expect(report.record).toMatchObject({ shell: 'browser', policySha256: policySha256(policy), interruptions: [{ measuredBy: 'monotonic' }] });
    expect(report.record!.interruptions[0]!.lengthSec).toBeCloseTo(gap!.end - gap!.start, 2);
    expect(store.sessions.get(sent.sessionId)).toMatchObject({ status: 'finished', interruptions: 1 });
    expect(store.events.verifyChain(sent.sessionId)).toMatchObject({ ok: true });
    expect(report.record!.chain.events).toBeGreaterThan(types.length);
    // Only kept clips stay: the rolling segment is gone once the report is made.
    expect(store.segments.list(sent.sessionId).every((s) => report.segments.some((k) => k.id === s.id))).toBe(true);
    store.close();
  }, 120_000);

  it('keeps signal times and evidence ranges when the wall clock is set back an hour and forward an hour, recording both jumps', async () => {
    const store = openStore(join(dir, 'clock.db'));
    const { clock, s } = drivenClock();
    // Nothing flags at this threshold, so the (not playable) test segments are never joined into a clip.
    const live = new LiveSession({ policy: parsePolicy({ intervals: { flagThreshold: 100 } }), analyzer: NO_VISION, store, workDir: join(dir, 'work'), clock, watchWallClock: true, studentId: 's', examId: 'e' });
    const clip = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 9]);
    const copy = (t: number) => live.pushSignal({ type: 'clipboard', t, action: 'changed', formats: ['text/plain'], evidence: {} });
    const waitForWatch = () => new Promise((r) => setTimeout(r, 1300));
    s.sec = 10;
    copy(9);
    live.addEvidence({ start: 6, end: 10, mime: 'video/webm', bytes: clip });
    await waitForWatch();
    s.sec = 20;
    s.wallOffsetMs = -3_600_000;
    await waitForWatch();
    copy(20);
    live.addEvidence({ start: 16, end: 20, mime: 'video/webm', bytes: clip });
    s.sec = 30;
    s.wallOffsetMs = 0;
    await waitForWatch();
    copy(30);
    live.addEvidence({ start: 26, end: 30, mime: 'video/webm', bytes: clip });
    // A page claiming a time ahead of the engine's clock is pulled back to now.
    copy(4000);
    live.deviceChange({ change: 'track_ended', kind: 'camera', labels: ['USB camera'] });
    const report = await live.finish();
    const copies = report.alerts.filter((a) => a.type === 'clipboard').map((a) => a.start);
    expect(copies).toEqual([9, 20, 30, 30 + AHEAD_TOLERANCE_SEC]);
    const jumps = report.alerts.filter((a) => a.type === 'clock_changed');
    expect(jumps.map((a) => [a.start, a.evidence.jumpSec])).toEqual([
      [20, -3600],
      [30, 3600],
    ]);
    expect(report.record!.clockChanges).toEqual([
      { t: 20, jumpSec: -3600 },
      { t: 30, jumpSec: 3600 },
    ]);
    expect(report.durationSec).toBe(30 + AHEAD_TOLERANCE_SEC);
    expect(report.record!.deviceChanges).toEqual([{ t: 30, change: 'track_ended', kind: 'camera', labels: ['USB camera'] }]);
    const ranges = store.events.list(live.id).filter((e) => e.type === 'evidence.segment').map((e) => [(e.payload as { start: number }).start, (e.payload as { end: number }).end]);
    expect(ranges).toEqual([
      [6, 10],
      [16, 20],
      [26, 30],
    ]);
    store.close();
  });

  it('refuses an evidence segment longer than 30 s or larger than 8 MB', () => {
    const store = openStore(join(dir, 'bounds.db'));
    const { clock, s } = drivenClock();
    const live = new LiveSession({ policy: parsePolicy({}), analyzer: NO_VISION, store, workDir: join(dir, 'work'), clock, watchWallClock: false });
    s.sec = 100;
    expect(() => live.addEvidence({ start: 0, end: 100, mime: 'video/webm', bytes: new Uint8Array([1]) })).toThrow(/longer than 30 s/);
    expect(() => live.addEvidence({ start: 90, end: 95, mime: 'video/webm', bytes: new Uint8Array(8 * 1024 * 1024 + 1) })).toThrow(/at most 8388608/);
    expect(store.segments.list(live.id)).toEqual([]);
    store.close();
  });
});
