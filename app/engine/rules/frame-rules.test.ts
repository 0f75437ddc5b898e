import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../calibration/calibrate';
import { emptyFrame, type FrameFeatures } from '../features/schema';
import { defaultPolicy } from '../policy/policy';
import { FrameRules, runFrameRules } from './frame-rules';

const policy = defaultPolicy();
const context = { policy, thresholds: defaultThresholds(policy), baseline: null };
const FPS = 12;

/** A stream at 12 fps of an attentive candidate, with overrides for frames in [from, to) seconds. */
function stream(seconds: number, ...overrides: { from: number; to: number; set: Partial<FrameFeatures> }[]): FrameFeatures[] {
  return Array.from({ length: seconds * FPS }, (_, i) => {
    const t = i / FPS;
    const frame: FrameFeatures = { ...emptyFrame(t, i), face_count: 1, yaw: 2, pitch: -3, roll: 0, gaze_h: 0.05, gaze_v: 0, gaze_zone: 'center' };
    for (const o of overrides) if (t >= o.from && t < o.to) Object.assign(frame, o.set);
    return frame;
  });
}

describe('frame alert rules', () => {
  it('raise nothing for an attentive candidate', () => {
    expect(runFrameRules(stream(20), context)).toEqual([]);
  });

  it('raise no_face after 3+ consecutive faceless frames, with the frames that fired', () => {
    const alerts = runFrameRules(stream(10, { from: 4, to: 6, set: { face_count: 0, yaw: null, pitch: null } }), context);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'no_face', severity: 'warning', start: 4, evidence: { firstFrame: 48, frames: 24 } });
    expect(alerts[0]!.end).toBeCloseTo(6 - 1 / FPS);
  });

  it('ignore two faceless frames, which is below the rule', () => {
    const frames = stream(5).map((f, i) => (i === 20 || i === 21 ? { ...f, face_count: 0 } : f));
    expect(runFrameRules(frames, context)).toEqual([]);
  });

  it('raise multiple_faces as critical', () => {
    const alerts = runFrameRules(stream(10, { from: 2, to: 3, set: { face_count: 2 } }), context);
    expect(alerts.map((a) => [a.type, a.severity, a.start])).toEqual([['multiple_faces', 'critical', 2]]);
  });

  it('raise head_turned for yaw beyond 30 deg held 5+ frames, but not for 4 frames', () => {
    const held = runFrameRules(stream(6, { from: 2, to: 2 + 5 / FPS, set: { yaw: 40 } }), context);
    expect(held.map((a) => a.type)).toEqual(['head_turned']);
    expect(held[0]!.evidence).toMatchObject({ yawLimitDeg: 30, frames: 5 });
    const brief = runFrameRules(stream(6, { from: 2, to: 2 + 4 / FPS, set: { yaw: 40 } }), context);
    expect(brief).toEqual([]);
    // A full second looking down is also 12 frames of low engagement (info, weight 0 by default).
    const pitch = runFrameRules(stream(6, { from: 2, to: 3, set: { pitch: -30 } }), context);
    expect(pitch.map((a) => a.type).sort()).toEqual(['head_turned', 'low_engagement']);
  });

  it('measure looking away from the calibrated baseline', () => {
    const baseline = { yaw: { mean: 20, variance: 1 }, pitch: { mean: 0, variance: 1 }, roll: { mean: 0, variance: 1 }, eye: { mean: 0, variance: 0 }, gazeH: { mean: 0, variance: 0 }, gazeV: { mean: 0, variance: 0 } };
    const calibrated = { ...context, baseline };
    // 40 deg is only 20 from this candidate's neutral pose: not a look-away; -15 is 35 away: one.
    expect(runFrameRules(stream(4, { from: 0, to: 4, set: { yaw: 40 } }), calibrated).filter((a) => a.type === 'head_turned')).toEqual([]);
    expect(runFrameRules(stream(4, { from: 1, to: 2, set: { yaw: -15 } }), calibrated).map((a) => a.type)).toContain('head_turned');
  });

  it('raise gaze_away when the eyes leave the screen for 5+ frames, at the offsets the pipeline measures', () => {
    // -0.26 is what the vision pipeline measured on a real clip of eyes turned sideways (head still).
    const alerts = runFrameRules(stream(6, { from: 1, to: 3, set: { gaze_h: -0.26, gaze_zone: 'right' } }), context);
    expect(alerts.map((a) => a.type)).toEqual(['gaze_away']);
    expect(runFrameRules(stream(6, { from: 1, to: 3, set: { gaze_h: 0.12 } }), context)).toEqual([]);
  });

  it('measure the eyes from the candidate\'s own centre after calibration', () => {
    const baseline = { yaw: { mean: 0, variance: 1 }, pitch: { mean: 0, variance: 1 }, roll: { mean: 0, variance: 1 }, eye: { mean: 0.3, variance: 0 }, gazeH: { mean: 0.15, variance: 0 }, gazeV: { mean: 0, variance: 0 } };
    expect(runFrameRules(stream(4, { from: 0, to: 4, set: { gaze_h: 0.25 } }), { ...context, baseline })).toEqual([]);
    expect(runFrameRules(stream(4, { from: 1, to: 2, set: { gaze_h: -0.1 } }), { ...context, baseline }).map((a) => a.type)).toEqual(['gaze_away']);
  });

  it('raise a prohibited phone above 0.70 even when objects run on every sixth frame only', () => {
    const frames = stream(6).map((f, i) => (i % 6 === 0 ? { ...f, phone: i >= 24 && i < 48 ? 0.85 : 0.1, book: 0.05, laptop: 0, tv: 0 } : f));
    const alerts = runFrameRules(frames, context);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'prohibited_object', severity: 'critical', start: 2, confidence: 0.85, evidence: { object: 'phone' } });
    expect(alerts[0]!.end).toBeCloseTo(42 / FPS);
    const weak = stream(6).map((f, i) => (i % 6 === 0 ? { ...f, phone: 0.69 } : f));
    expect(runFrameRules(weak, context)).toEqual([]);
  });

  it('name the class, the calibrated confidence and the box of the strongest sighting in prohibited_object evidence', () => {
    const boxes = (c: number) => JSON.stringify({ phone: [0.1, 0.4, 0.2, 0.5, c], person: [[0.05, 0.05, 0.7, 0.9, 0.93]] });
    const frames = stream(5).map((f, i) =>
      i % 12 === 0 ? { ...f, phone: i === 24 ? 0.95 : i === 36 ? 0.81 : 0.1, book: 0, laptop: 0, tv: 0, person_count: 1, object_boxes: boxes(i === 24 ? 0.95 : 0.81) } : f,
    );
    const [alert, ...rest] = runFrameRules(frames, context);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ type: 'prohibited_object', start: 2, evidence: { object: 'phone', class: 'cell phone', confidence: 0.95, box: [0.1, 0.4, 0.2, 0.5, 0.95] } });
  });

  it('raise the person alert for a second person the object detector sees on 2+ consecutive object frames at the policy threshold', () => {
    const people = (...confidences: number[]) => JSON.stringify({ person: confidences.map((c, k) => [0.1 + 0.5 * k, 0.1, 0.3, 0.8, c]) });
    const at = (frames: FrameFeatures[], seconds: number[], boxes: string, count: number) =>
      frames.map((f, i) => (i % 12 === 0 ? (seconds.includes(i / 12) ? { ...f, person_count: count, object_boxes: boxes } : { ...f, person_count: 1, object_boxes: people(0.9) }) : f));
    const alerts = runFrameRules(at(stream(8), [3, 4, 5], people(0.9, 0.8), 2), context);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'multiple_faces', severity: 'critical', start: 3, evidence: { signal: 'person detector', maxPeople: 2 } });
    expect((alerts[0]!.evidence.people as unknown[]).length).toBe(2);
    // One object frame alone is not enough; a second person below the policy's confidence is not counted.
    expect(runFrameRules(at(stream(8), [3], people(0.9, 0.8), 2), context)).toEqual([]);
    expect(runFrameRules(at(stream(8), [3, 4, 5], people(0.9, 0.5), 1), context)).toEqual([]);
    // A stricter policy recounts from the boxes.
    const strict = { ...context, policy: { ...policy, rules: { ...policy.rules, objectConfidence: 0.85 } } };
    expect(runFrameRules(at(stream(8), [3, 4, 5], people(0.9, 0.8), 2), strict)).toEqual([]);
    // Two faces on the same frames are the face rule's: one alert, not two.
    const both = at(stream(8, { from: 3, to: 6, set: { face_count: 2 } }), [3, 4, 5], people(0.9, 0.8), 2);
    expect(runFrameRules(both, context).map((a) => a.evidence.signal)).toEqual(['faces']);
  });

  it('raise visible_text above 0.70 on the frames the text detector ran, and nothing for faint text', () => {
    // The detector runs every 2 s at 12 fps: text on frames 24 and 48, none on 0 and 72.
    const frames = stream(8).map((f, i) => (i % 24 === 0 ? { ...f, text: i === 24 || i === 48 ? 0.92 : 0 } : f));
    const alerts = runFrameRules(frames, context);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'visible_text', severity: 'warning', start: 2, confidence: 0.92, evidence: { rule: 'text region score > 0.7' } });
    const faint = stream(8).map((f, i) => (i % 24 === 0 ? { ...f, text: 0.65 } : f));
    expect(runFrameRules(faint, context)).toEqual([]);
    const off = { ...context, policy: { ...policy, detectors: { ...policy.detectors, text: false } } };
    expect(runFrameRules(frames, off)).toEqual([]);
  });

  it('raise low_engagement for 10+ frames below 40', () => {
    const alerts = runFrameRules(stream(6, { from: 1, to: 3, set: { engagement: 20 } }), context);
    expect(alerts.map((a) => a.type)).toEqual(['low_engagement']);
  });

  it('raise identity_mismatch as critical, and leave spoof_suspected to temporal liveness (a low per-frame anti-spoof score alone raises nothing)', () => {
    const alerts = runFrameRules(stream(4, { from: 1, to: 2, set: { antispoof: 0.1, identity_similarity: 0.2 } }), context);
    expect(alerts.map((a) => `${a.type}:${a.severity}`).sort()).toEqual(['identity_mismatch:critical']);
    const identity = alerts.find((a) => a.type === 'identity_mismatch')!;
    expect(identity.evidence).toMatchObject({ lowestSimilarity: 0.2, threshold: policy.rules.identityBelow, similarity: expect.stringMatching(/^cosine similarity of FaceRes-deep/) });
  });

  it('switch off with their detector', () => {
    const off = { ...context, policy: { ...policy, detectors: { ...policy.detectors, face: false } } };
    expect(runFrameRules(stream(10, { from: 4, to: 6, set: { face_count: 0 } }), off).filter((a) => a.type === 'no_face')).toEqual([]);
  });

  it('tell a live listener the moment an alert opens, before it closes', () => {
    const opened: string[] = [];
    const rules = new FrameRules(context, (type, severity, start) => opened.push(`${type}@${start}`));
    for (const frame of stream(3, { from: 1, to: 3, set: { face_count: 2 } })) rules.push(frame);
    expect(opened).toEqual(['multiple_faces@1']);
    expect(rules.flush().map((a) => a.type)).toEqual(['multiple_faces']);
  });
});
