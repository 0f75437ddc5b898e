import { describe, expect, it } from 'vitest';
import { emptyFrame, type FrameFeatures } from '../features/schema';
import { defaultPolicy } from '../policy/policy';
import { calibrate } from './calibrate';
import { GAZE_AWAY_OFFSET } from './eye-angle';

const policy = defaultPolicy();
/** A steady candidate at 12 fps: small deterministic jitter around a given pose. */
function steady(seconds: number, pose: { yaw: number; pitch: number; roll: number }, extra: Partial<FrameFeatures> = {}): FrameFeatures[] {
  return Array.from({ length: Math.round(seconds * 12) }, (_, i) => ({
    ...emptyFrame(i / 12, i),
    face_count: 1,
    yaw: pose.yaw + Math.sin(i) * 1.5,
    pitch: pose.pitch + Math.cos(i) * 1.0,
    roll: pose.roll,
    gaze_h: 0.05 * Math.sin(i / 3),
    gaze_v: 0.02,
    gaze_zone: 'center' as const,
    ...extra,
  }));
}

describe('calibration', () => {
  it('accepts a steady, frontal candidate and learns their baseline', () => {
    const result = calibrate(steady(10, { yaw: 6, pitch: -4, roll: 1 }), policy);
    expect(result.status).toBe('SUCCESS');
    expect(result.framesSeen).toBe(96);
    expect(result.baseline!.yaw.mean).toBeCloseTo(6, 0);
    expect(result.baseline!.pitch.mean).toBeCloseTo(-4, 0);
    expect(result.thresholds).toEqual({ yawDeg: 30, pitchDeg: 25, gazeH: GAZE_AWAY_OFFSET.h, gazeV: GAZE_AWAY_OFFSET.v });
    expect(result.baseline!.gazeH.mean).toBeCloseTo(0, 1);
  });

  it('judges a policy of one frame a second by that rate, not by the 2 fps floor for dropped frames', () => {
    const slow = { ...policy, processingFps: 1 };
    const frames = steady(6, { yaw: 2, pitch: 0, roll: 0 }).filter((_, i) => i % 12 === 0);
    expect(frames).toHaveLength(6);
    expect(calibrate(frames, slow, 6).status).toBe('SUCCESS');
  });

  it('refuses a baseline taken with the head already turned', () => {
    const result = calibrate(steady(8, { yaw: 28, pitch: 0, roll: 0 }), policy);
    expect(result.status).toBe('FAILED');
    expect(result.reasons.join()).toMatch(/mean yaw 28\.\d deg exceeds 20/);
    expect(result.thresholds.yawDeg).toBe(30);
  });

  it('refuses a baseline when another face appears', () => {
    const frames = steady(8, { yaw: 0, pitch: 0, roll: 0 }).map((f, i) => (i === 40 ? { ...f, face_count: 2 } : f));
    expect(calibrate(frames, policy)).toMatchObject({ status: 'FAILED', reasons: [expect.stringMatching(/another face .* 1 calibration frame/)] });
  });

  it('refuses eyes turned away beyond 0.8 rad', () => {
    const result = calibrate(steady(8, { yaw: 0, pitch: 0, roll: 0 }, { gaze_h: 0.9, gaze_v: 0.1 }), policy);
    expect(result.status).toBe('FAILED');
    expect(result.reasons.join()).toMatch(/eyes turned away/);
  });

  it('refuses a baseline during which the eyes left the screen for a while', () => {
    // As in a real clip: eyes centred, then 2.5 s sideways (-0.26) inside the calibration window.
    const frames = steady(8, { yaw: 0, pitch: 0, roll: 0 }).map((f) => (f.t >= 5.5 ? { ...f, gaze_h: -0.26 } : f));
    const result = calibrate(frames, policy);
    expect(result.status).toBe('FAILED');
    expect(result.reasons.join()).toMatch(/eyes moved too much during calibration/);
  });

  it('rejects faceless and unstable frames, failing when too few remain for the rate', () => {
    const frames = steady(8, { yaw: 0, pitch: 0, roll: 0 }).map((f, i) => (i % 3 === 0 ? { ...f, face_count: 0, yaw: null, pitch: null, roll: null } : i % 3 === 1 ? f : { ...f, yaw: (f.yaw ?? 0) + 20 }));
    const result = calibrate(frames, policy);
    expect(result.framesRejected.noFace).toBe(32);
    expect(result.framesRejected.unstable).toBeGreaterThan(20);
    expect(result.status).toBe('FAILED');
    expect(result.reasons.join()).toMatch(/usable frame\(s\) of the 58 needed/);
  });

  it('widens thresholds for a jittery candidate, but by 10 degrees at most', () => {
    // A slow sway of +-16 deg (std about 11): 3 sigma is about 34 deg, above the policy's 30.
    const wobbly = steady(8, { yaw: 0, pitch: 0, roll: 0 }).map((f, i) => ({ ...f, yaw: 16 * Math.sin(i / 6) }));
    const wide = calibrate(wobbly, { ...policy, calibration: { ...policy.calibration, maxPoseStdDeg: 20 } });
    expect(wide.status).toBe('SUCCESS');
    expect(wide.thresholds.yawDeg).toBeGreaterThan(30);
    expect(wide.thresholds.yawDeg).toBeLessThanOrEqual(40);
  });

  it('caps the widened thresholds at 10 degrees (and 0.1 of the iris offsets) beyond the policy, however much the candidate sways', () => {
    // A sway of +-24 deg yaw and +-20 deg pitch (std about 17 and 14: 3 sigma 51 and 42) and of +-0.3 in both iris
    // offsets, slow enough that no frame counts as unstable: uncapped, the thresholds would be 51 / 42 deg.
    const swaying = steady(8, { yaw: 0, pitch: 0, roll: 0 }).map((f, i) => ({ ...f, yaw: 24 * Math.sin(i / 6), pitch: 20 * Math.cos(i / 6), gaze_h: 0.3 * Math.sin(i / 5), gaze_v: 0.3 * Math.cos(i / 5) }));
    const lenient = { ...policy, calibration: { ...policy.calibration, maxAbsPitch: 20, maxPoseStdDeg: 30, maxGazeStd: 1 } };
    const result = calibrate(swaying, lenient);
    expect(result.status).toBe('SUCCESS');
    expect(result.framesRejected.unstable).toBe(0);
    expect(3 * Math.sqrt(result.baseline!.yaw.variance)).toBeGreaterThan(policy.rules.lookAwayYawDeg + 15);
    expect(3 * Math.sqrt(result.baseline!.pitch.variance)).toBeGreaterThan(policy.rules.lookAwayPitchDeg + 15);
    expect(result.thresholds.yawDeg).toBe(policy.rules.lookAwayYawDeg + 10);
    expect(result.thresholds.pitchDeg).toBe(policy.rules.lookAwayPitchDeg + 10);
    expect(result.thresholds.gazeH).toBeCloseTo(GAZE_AWAY_OFFSET.h + 0.1, 10);
    expect(result.thresholds.gazeV).toBeCloseTo(GAZE_AWAY_OFFSET.v + 0.1, 10);
  });

  it('is skipped when asked for 0 seconds', () => {
    expect(calibrate([], policy, 0)).toMatchObject({ status: 'SKIPPED', baseline: null });
  });
});
