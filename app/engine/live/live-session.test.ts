import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../media/frames';
import { parsePolicy } from '../policy/policy';
import { createSessionClock } from '../signals/session-clock';
import { openStore } from '../storage/store';
import { loadFrameAnalyzer } from './frame-analyzer';
import { sourcePackageDir } from '../../../models/convert/build-models';
import { createLiveApi } from './live-api';
import { EVIDENCE_SEGMENT_SEC, LiveSession } from './live-session';
import { hashPassword, verifyPassword } from './password';
import { processesOfThisTest } from '../signals/testing/own-processes';
import { serveRpc, type Handlers } from '../rpc/server';
import type { Transport } from '../rpc/protocol';

const dir = mkdtempSync(join(tmpdir(), 'vigil-live-'));
const FPS = 2;
/** No-face (9 points) flags an interval on its own at this threshold. */
const policy = parsePolicy({ processingFps: FPS, intervals: { flagThreshold: 9 }, evidence: { preRollSec: 2, postRollSec: 2 } });

/** The face panel of @vladmandic/human's FaceID screenshot (a real photo), as 320x240 RGB. */
function facePhotoRgb(): Uint8Array {
  const photo = join(sourcePackageDir(), 'assets', 'screenshot-faceid.jpg');
  return new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', photo, '-vf', 'crop=170:128:15:140,scale=320:240', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']));
}
const face = facePhotoRgb();
/** The same camera with the candidate gone: an empty grey picture. */
const empty = new Uint8Array(320 * 240 * 3).fill(150);
/**
 * A camera's sensor noise: no two frames of a live camera are the same picture (the same pixels again would be a
 * frozen or looping feed, feed-integrity.ts). One sampled byte nudged per frame stands for it.
 */
const noisy = (picture: Uint8Array, t: number): Uint8Array => {
  const frame = picture.slice();
  const at = (Math.round(t * 1000) % Math.floor(frame.length / 7)) * 7;
  frame[at] = frame[at]! ^ 1;
  return frame;
};
/** The candidate sits still, and is away between 40 and 46 s. */
const camera = (t: number): RgbFrame => ({ width: 320, height: 240, data: noisy(t >= 40 && t < 46 ? empty : face, t), t, index: 0 });

/** Real, self-contained WebM segments from ffmpeg, as the candidate app's MediaRecorder sends them. */
function segment(start: number): Uint8Array {
  const path = join(dir, `seg-${start}.webm`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=96x64:rate=${FPS}:duration=${EVIDENCE_SEGMENT_SEC}`, '-c:v', 'libvpx', '-b:v', '50k', path]);
  return new Uint8Array(readFileSync(path));
}

/** A session clock the test moves itself: frames are pushed faster than real time. */
function drivenClock() {
  const state = { sec: 0 };
  const clock = createSessionClock({ originNs: 0n, monotonic: () => BigInt(Math.round(state.sec * 1e9)), wall: () => 1_700_000_000_000 + state.sec * 1000 });
  return { clock, at: (sec: number) => (state.sec = Math.max(state.sec, sec)) };
}

const blank = (t: number): RgbFrame => ({ width: 16, height: 16, data: noisy(new Uint8Array(16 * 16 * 3), t), t, index: 0 });

describe('live session', () => {
  it('flags the interval where the face leaves at once, and keeps video only around it', async () => {
    const store = openStore(join(dir, 'flag.db'));
    const analyzer = await loadFrameAnalyzer();
    if (!analyzer.available) throw new Error(analyzer.reason);
    const time = drivenClock();
    const live = new LiveSession({ policy, analyzer, store, workDir: dir, clock: time.clock, watchWallClock: false });
    const clip = segment(0);
    let flaggedAt: number | undefined;
    const opened: string[] = [];
    for (let i = 0; i < 60 * FPS; i += 1) {
      const t = i / FPS;
      time.at(t + 1 / FPS);
      const outcome = await live.pushFrame(camera(t));
      opened.push(...outcome.opened.map((o) => `${o.type}@${o.start}: ${o.why}`));
      if (outcome.flagged && flaggedAt === undefined) flaggedAt = t;
      if ((i + 1) % (EVIDENCE_SEGMENT_SEC * FPS) === 0) live.addEvidence({ start: t + 1 / FPS - EVIDENCE_SEGMENT_SEC, end: t + 1 / FPS, mime: 'video/webm', bytes: clip });
      if (t === 10) expect(await live.calibrate()).toMatchObject({ status: 'SUCCESS', analysed: true, framesAccepted: 16 });
    }
    // Raised while the face was still away, not at the end of the session.
    expect(flaggedAt).toBeGreaterThanOrEqual(40);
    expect(flaggedAt).toBeLessThan(46);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/^no_face@40: Your face is not visible/);
    // Unflagged video rolled away: 38-48 s with pre- and post-roll, plus the rolling window at the end.
    expect(live.evidence.held.segments).toBeLessThanOrEqual(6);

    const report = await live.finish();
    expect(report.alerts.map((a) => a.type)).toEqual(['no_face']);
    expect(report.intervals.filter((i) => i.flagged).map((i) => [i.start, i.end])).toEqual([[30, 60]]);
    expect(report.segments).toHaveLength(1);
    expect(report.segments[0]!.start).toBeLessThanOrEqual(38);
    expect(report.segments[0]!.start).toBeGreaterThanOrEqual(36);
    expect(store.segments.meta(report.segments[0]!.id)?.mime).toBe('video/webm');
    // The kept clip joins several segments into one file that plays from start to end without a decoding error.
    const clipFile = join(dir, 'kept.webm');
    writeFileSync(clipFile, store.segments.read(report.segments[0]!.id));
    expect(execFileSync('ffmpeg', ['-v', 'error', '-i', clipFile, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');
    const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', clipFile], { encoding: 'utf8' }));
    expect(seconds).toBeGreaterThan(report.segments[0]!.end - report.segments[0]!.start - 1);
    expect(existsSync(live.evidence.dir)).toBe(false);
    store.close();
  }, 300_000);

  it('without a face pipeline, receives frames but never claims to have analysed them', async () => {
    const store = openStore(join(dir, 'none.db'));
    const reason = 'the face pipeline is missing';
    const time = drivenClock();
    const live = new LiveSession({ policy, analyzer: { available: false, reason }, store, workDir: dir, clock: time.clock, watchWallClock: false });
    for (let i = 0; i < 20; i += 1) expect(await live.pushFrame(blank(time.at(i / FPS)))).toEqual({ analysed: false, faceCount: null, opened: [], flagged: false });
    expect(await live.calibrate()).toMatchObject({ status: 'SKIPPED', reasons: [reason], analysed: false, framesReceived: 20 });
    const report = await live.finish();
    expect(report.media).toMatchObject({ video: false, framesAnalysed: 0 });
    expect(report.notes[0]).toBe(`Video was not analysed: ${reason}.`);
    store.close();
  });
});

describe('policy channels', () => {
  // Unsigned policies with the developer flag; signed configs are tested in app/engine/config/open-config.test.ts.
  const api = createLiveApi({ store: openStore(join(dir, 'api.db')), env: { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', VIGIL_HOME: join(dir, 'home') }, listProcesses: processesOfThisTest });

  it('name the field and the rule a policy breaks', async () => {
    expect(await api['policy.parse']({ text: '{"processingFps": 90}', source: 'exam.json' })).toMatchObject({ ok: false, field: 'processingFps', rule: expect.stringMatching(/30/) });
    expect(await api['policy.parse']({ text: '{"processingFps": ', source: 'exam.json' })).toMatchObject({ ok: false, field: '(file)', rule: expect.stringMatching(/^neither a signed exam config nor JSON/) });
    expect(await api['policy.parse']({ text: '{}', source: 'exam.json' })).toMatchObject({ ok: true, policy: { processingFps: 12 } });
  });

  it('refuse every way to change a policy from the candidate side: invigilators configure exams in the console', async () => {
    // Attacks: a candidate (or a program driving the app) asks the engine to save a policy, unlock the old editor
    // or overwrite a saved exam. The engine has no such methods: each is answered unknown_method and nothing is written.
    const saved = join(dir, 'home', 'policies', 'maths.json');
    mkdirSync(dirname(saved), { recursive: true });
    writeFileSync(saved, JSON.stringify({ processingFps: 6 }));
    const answers: unknown[] = [];
    const transport = { send: (m: unknown) => answers.push(m), onMessage: (h: (m: unknown) => void) => void (deliver = h) };
    let deliver: (m: unknown) => void = () => {};
    serveRpc(transport as unknown as Transport, api as unknown as Handlers);
    const attempts = [
      { method: 'policy.save', params: { name: 'maths', policy: { processingFps: 30 }, quitPassword: 'let-me-out', invigilatorPassword: 'guessed-2026' } },
      { method: 'invigilator.unlock', params: { password: 'guessed-2026' } },
      { method: 'policy.write', params: { name: 'maths', text: '{}' } },
    ];
    attempts.forEach((a, id) => deliver({ kind: 'request', id, ...a }));
    await new Promise((r) => setTimeout(r, 50));
    expect(answers).toEqual(attempts.map((a, id) => ({ kind: 'response', id, ok: false, error: { code: 'unknown_method', message: `no engine method ${a.method}` } })));
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual({ processingFps: 6 });
    expect(readdirSync(dirname(saved))).toEqual(['maths.json']);
    const loaded = await api['policy.load']({ name: 'maths' });
    expect(loaded).toMatchObject({ ok: true, policy: { processingFps: 6, hasQuitPassword: false } });
    expect(await api['policy.load']({ name: 'history' })).toMatchObject({ ok: false, rule: 'no saved exam named "history" on this computer' });
  });
});

describe('passwords', () => {
  it('hash with a fresh salt each time and verify only the right password', async () => {
    const [a, b] = [await hashPassword('correct horse'), await hashPassword('correct horse')];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('wrong horse', a)).toBe(false);
  });
});
