/**
 * A frame's answer and its slower models: the candidate app is answered once the frame's face path is done, and a
 * slower model's result (here the object detector's) reaches the rules afterwards, at its own frame's time and in
 * capture order. The analyzer is a stand-in whose object stage the test holds back: the real pipeline's timing
 * (app/engine/vision/pipeline.ts processInStages) is measured by `vigil bench live`, not asserted here.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFrame } from '../features/schema';
import type { RgbFrame } from '../media/frames';
import { parsePolicy } from '../policy/policy';
import { createSessionClock } from '../signals/session-clock';
import { openStore } from '../storage/store';
import type { AnalysedFrame, FrameAnalyzer } from './frame-analyzer';
import { readRecordedSession } from './live-record';
import { LiveSession, MAX_RULES_BEHIND, type FrameOutcome } from './live-session';

const dir = mkdtempSync(join(tmpdir(), 'vigil-live-stages-'));
const FPS = 2;
const policy = parsePolicy({ processingFps: FPS });

/** Distinct pixels per frame (a real camera's noise): the same picture twice would be a frozen feed. */
const frameAt = (t: number): RgbFrame => ({ width: 16, height: 16, data: new Uint8Array(randomBytes(16 * 16 * 3)), t, index: 0 });

function drivenClock() {
  const state = { sec: 0 };
  const clock = createSessionClock({ originNs: 0n, monotonic: () => BigInt(Math.round(state.sec * 1e9)), wall: () => 1_700_000_000_000 + state.sec * 1000 });
  return { clock, at: (sec: number) => (state.sec = Math.max(state.sec, sec)) };
}

/**
 * One face on every frame at once; the object detector runs on the frames at whole seconds and its result is held
 * until the test releases it. At `phoneAt` it sees a phone.
 */
function slowObjectAnalyzer(phoneAt: number) {
  const held: (() => void)[] = [];
  const features = (t: number) => {
    const f = emptyFrame(t, 0);
    f.face_count = 1;
    if (Number.isInteger(t)) {
      f.phone = t === phoneAt ? 0.95 : 0.01;
      f.person_count = 1;
    }
    return f;
  };
  const full = (frame: RgbFrame): Promise<AnalysedFrame> => {
    const answer = { features: features(frame.t), livenessEvidence: null };
    if (!Number.isInteger(frame.t)) return Promise.resolve(answer);
    return new Promise((resolve) => held.push(() => resolve(answer)));
  };
  const analyzer: FrameAnalyzer = {
    analyze: full,
    analyzeInStages: (frame) => ({ face: Promise.resolve({ faceCount: 1 }), full: full(frame) }),
    enroll: async () => true,
    reset: () => undefined,
  };
  return { analyzer, features, release: () => held.splice(0).forEach((go) => go()), held: () => held.length };
}

/** The outcome, or 'waiting' when it has not come within `ms`. */
const within = (p: Promise<FrameOutcome>, ms = 1000) => Promise.race([p, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms))]);

describe('a live frame and its slower models', () => {
  it('answers a frame when its face path is done, while its object detector is still running', async () => {
    const store = openStore(join(dir, 'answer.db'));
    const stand = slowObjectAnalyzer(2);
    const time = drivenClock();
    const live = new LiveSession({ policy, analyzer: { available: true, analyzer: stand.analyzer }, store, workDir: dir, clock: time.clock, watchWallClock: false });
    const outcomes: (FrameOutcome | 'waiting')[] = [];
    for (const t of [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]) {
      time.at(t);
      outcomes.push(await within(live.pushFrame(frameAt(t))));
      // Each second's object frame stays held: its answer came all the same, and so do the frames after it.
      if (t === 1.5 || t === 2.5) stand.release();
    }
    expect(outcomes).toEqual(outcomes.map(() => expect.objectContaining({ analysed: true, faceCount: 1 })));
    // The phone seen on the frame at 2 s opened its alert once the detector was back, dated 2 s, and the next
    // answer (the first after the rules took it) carried it to the candidate.
    const opened = outcomes.map((o) => (o === 'waiting' ? [] : o.opened.map((n) => `${n.type}@${n.start}`)));
    expect(opened.flat()).toEqual(['prohibited_object@2']);
    expect(opened.findIndex((n) => n.length > 0)).toBeGreaterThan(4);
    stand.release();
    const report = await live.finish();
    expect(report.alerts.filter((a) => a.type === 'prohibited_object').map((a) => [a.start, a.evidence.object])).toEqual([[2, 'phone']]);
    // The rules took every frame whole, in capture order, as `vigil analyze` takes a file's frames.
    const recorded = readRecordedSession(store, live.id).frames;
    expect(recorded.map((f) => [f.t, f.frame_index, f.phone])).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((t, i) => [t, i, Number.isInteger(t) ? (t === 2 ? 0.95 : 0.01) : null]));
    store.close();
  });

  it('waits for the rules again once they are more than a second of frames behind: the app drops frames, the engine queues none', async () => {
    const store = openStore(join(dir, 'behind.db'));
    const stand = slowObjectAnalyzer(-1);
    const time = drivenClock();
    const live = new LiveSession({ policy, analyzer: { available: true, analyzer: stand.analyzer }, store, workDir: dir, clock: time.clock, watchWallClock: false });
    const answers: Promise<FrameOutcome>[] = [];
    // Frame 0 (an object frame) is held; the frames after it are all face-path frames.
    for (let i = 0; i <= MAX_RULES_BEHIND; i += 1) {
      const t = i === 0 ? 0 : i / (2 * MAX_RULES_BEHIND) + 0.01;
      time.at(t);
      answers.push(live.pushFrame(frameAt(t)));
    }
    const early = await Promise.all(answers.slice(0, MAX_RULES_BEHIND).map((a) => within(a)));
    expect(early.every((o) => o !== 'waiting')).toBe(true);
    expect(await within(answers[MAX_RULES_BEHIND]!, 300)).toBe('waiting');
    stand.release();
    expect(await within(answers[MAX_RULES_BEHIND]!)).toMatchObject({ analysed: true });
    await live.finish();
    store.close();
  });

  it('waits for the rules again once they are three seconds of capture time behind, at a low rate too', async () => {
    const store = openStore(join(dir, 'behind-seconds.db'));
    const stand = slowObjectAnalyzer(-1);
    const time = drivenClock();
    const live = new LiveSession({ policy, analyzer: { available: true, analyzer: stand.analyzer }, store, workDir: dir, clock: time.clock, watchWallClock: false });
    // At 2 fps the object frame at 0 s is held; the frames to 2.5 s are answered, the one at 3 s waits (the
    // 12-frame bound alone would let the rules fall 6 s behind).
    const answers = [0, 0.5, 1, 1.5, 2, 2.5, 3].map((t) => {
      time.at(t);
      return live.pushFrame(frameAt(t));
    });
    expect(await within(answers[5]!)).not.toBe('waiting');
    expect(await within(answers[6]!, 300)).toBe('waiting');
    stand.release();
    expect(await within(answers[6]!)).toMatchObject({ analysed: true });
    await live.finish();
    store.close();
  });
});
