/**
 * Adaptive calibration (system 2): from the first seconds of a session, learn the candidate's neutral head pose
 * and gaze, then derive per-candidate thresholds. Frames without exactly one steady face are rejected; a baseline
 * that looks staged (head already turned, another face present, too much movement) is refused, because a
 * candidate who calibrates while looking at notes would otherwise make looking at notes "normal".
 */
import type { FrameFeatures } from '../features/schema';
import type { ExamPolicy } from '../policy/policy';
import { GAZE_AWAY_OFFSET, eyeRotationRad } from './eye-angle';

export interface Stat {
  mean: number;
  variance: number;
}

export interface Baseline {
  yaw: Stat;
  pitch: Stat;
  roll: Stat;
  /** Eye rotation in radians (eye-angle.ts), for the anti-cheat check. */
  eye: Stat;
  /** Iris offsets (normalised by the eye) while looking at the screen: the candidate's own "centre". */
  gazeH: Stat;
  gazeV: Stat;
}

export interface Thresholds {
  /** Allowed deviation from the baseline before a look-away counts, degrees. */
  yawDeg: number;
  pitchDeg: number;
  /** Allowed iris offset from the baseline before the eyes count as away, horizontally and vertically. */
  gazeH: number;
  gazeV: number;
}

export type CalibrationStatus = 'SUCCESS' | 'FAILED' | 'SKIPPED';

export interface Calibration {
  status: CalibrationStatus;
  seconds: number;
  framesSeen: number;
  framesAccepted: number;
  framesRejected: { noFace: number; multipleFaces: number; unstable: number; noPose: number };
  minFrames: number;
  baseline: Baseline | null;
  thresholds: Thresholds;
  reasons: string[];
}

/** Frame-to-frame pose change above this (degrees) marks a frame as unstable. */
const UNSTABLE_STEP_DEG = 8;

export function defaultThresholds(policy: ExamPolicy): Thresholds {
  return { yawDeg: policy.rules.lookAwayYawDeg, pitchDeg: policy.rules.lookAwayPitchDeg, gazeH: GAZE_AWAY_OFFSET.h, gazeV: GAZE_AWAY_OFFSET.v };
}

export function skippedCalibration(policy: ExamPolicy, reason: string): Calibration {
  return {
    status: 'SKIPPED', seconds: 0, framesSeen: 0, framesAccepted: 0, framesRejected: { noFace: 0, multipleFaces: 0, unstable: 0, noPose: 0 }, minFrames: 0,
    baseline: null, thresholds: defaultThresholds(policy), reasons: [reason],
  };
}

function stat(values: readonly number[]): Stat {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, variance };
}

/**
 * Calibrates on the frames with t < seconds. Minimum accepted frames scale with the rate the window was analysed
 * at: minAcceptedShare of the frames it holds at the policy's rate, or at the rate achieved where that was lower
 * (a live session on a busy computer drops frames while the engine is late; the rest still judge the pose), but
 * never below 2 frames a second (the floor the live path always met) unless the policy asks for fewer.
 */
/** The lowest analysed rate a calibration window is judged at (below it, too few frames fail it). */
export const MIN_CALIBRATION_FPS = 2;

export function calibrate(frames: readonly FrameFeatures[], policy: ExamPolicy, seconds = policy.calibration.seconds): Calibration {
  const cfg = policy.calibration;
  if (seconds <= 0) return skippedCalibration(policy, 'calibration disabled (0 seconds)');
  const window = frames.filter((f) => f.t < seconds);
  // Never above the policy's own rate: a policy of 1 frame a second is judged at 1, not at the 2 fps floor.
  const achievedFps = Math.min(policy.processingFps, Math.max(MIN_CALIBRATION_FPS, window.length / seconds));
  const minFrames = Math.max(3, Math.ceil(seconds * achievedFps * cfg.minAcceptedShare));
  const rejected = { noFace: 0, multipleFaces: 0, unstable: 0, noPose: 0 };
  const accepted: FrameFeatures[] = [];
  let previous: FrameFeatures | undefined;
  for (const frame of window) {
    if (frame.face_count === 0) rejected.noFace += 1;
    else if (frame.face_count > 1) rejected.multipleFaces += 1;
    else if (frame.yaw === null || frame.pitch === null || frame.roll === null) rejected.noPose += 1;
    else if (previous && previous.yaw !== null && previous.pitch !== null && (Math.abs(frame.yaw - previous.yaw) > UNSTABLE_STEP_DEG || Math.abs(frame.pitch - previous.pitch) > UNSTABLE_STEP_DEG)) rejected.unstable += 1;
    else accepted.push(frame);
    previous = frame.face_count === 1 ? frame : previous;
  }

  const reasons: string[] = [];
  if (rejected.multipleFaces > 0) reasons.push(`another face was present in ${rejected.multipleFaces} calibration frame(s)`);
  if (accepted.length < minFrames) reasons.push(`only ${accepted.length} usable frame(s) of the ${minFrames} needed (no face: ${rejected.noFace}, unstable: ${rejected.unstable}, no pose: ${rejected.noPose})`);
  let baseline: Baseline | null = null;
  if (accepted.length > 0) {
    const withGaze = accepted.filter((f) => f.gaze_h !== null && f.gaze_v !== null);
    const orZero = (st: Stat): Stat => (Number.isNaN(st.mean) ? { mean: 0, variance: 0 } : st);
    baseline = {
      yaw: stat(accepted.map((f) => f.yaw!)),
      pitch: stat(accepted.map((f) => f.pitch!)),
      roll: stat(accepted.map((f) => f.roll!)),
      eye: orZero(stat(withGaze.map((f) => eyeRotationRad(f.gaze_h!, f.gaze_v!)))),
      gazeH: orZero(stat(withGaze.map((f) => f.gaze_h!))),
      gazeV: orZero(stat(withGaze.map((f) => f.gaze_v!))),
    };
    if (Math.abs(baseline.yaw.mean) > cfg.maxAbsYaw) reasons.push(`head turned during calibration: mean yaw ${baseline.yaw.mean.toFixed(1)} deg exceeds ${cfg.maxAbsYaw}`);
    if (Math.abs(baseline.pitch.mean) > cfg.maxAbsPitch) reasons.push(`head tilted during calibration: mean pitch ${baseline.pitch.mean.toFixed(1)} deg exceeds ${cfg.maxAbsPitch}`);
    if (Math.abs(baseline.roll.mean) > cfg.maxAbsRoll) reasons.push(`head rolled during calibration: mean roll ${baseline.roll.mean.toFixed(1)} deg exceeds ${cfg.maxAbsRoll}`);
    if (baseline.eye.mean > cfg.maxEyeRad) reasons.push(`eyes turned away during calibration: ${baseline.eye.mean.toFixed(2)} rad exceeds ${cfg.maxEyeRad}`);
    const moveStd = Math.max(Math.sqrt(baseline.yaw.variance), Math.sqrt(baseline.pitch.variance));
    if (moveStd > cfg.maxPoseStdDeg) reasons.push(`too much movement during calibration: pose std ${moveStd.toFixed(1)} deg exceeds ${cfg.maxPoseStdDeg}`);
    // The eyes must rest on the screen too, or a glance at notes during calibration would become "centre".
    const gazeSpread = Math.max(Math.sqrt(baseline.gazeH.variance), (Math.sqrt(baseline.gazeV.variance) * GAZE_AWAY_OFFSET.h) / GAZE_AWAY_OFFSET.v);
    if (gazeSpread > cfg.maxGazeStd) reasons.push(`eyes moved too much during calibration: iris offset std ${gazeSpread.toFixed(3)} exceeds ${cfg.maxGazeStd}`);
  }

  const base = {
    seconds, framesSeen: window.length, framesAccepted: accepted.length, framesRejected: rejected, minFrames,
  };
  if (reasons.length > 0 || !baseline) return { ...base, status: 'FAILED', baseline, thresholds: defaultThresholds(policy), reasons };
  return { ...base, status: 'SUCCESS', baseline, thresholds: personalThresholds(baseline, policy), reasons: [] };
}

/**
 * A candidate whose pose jitters more gets proportionally more room (3 sigma), never less than the policy's
 * angle and never more than 10 degrees beyond it, so calibration cannot be used to buy a blind spot.
 */
function personalThresholds(b: Baseline, policy: ExamPolicy): Thresholds {
  const widen = (policyDeg: number, variance: number) => Math.min(policyDeg + 10, Math.max(policyDeg, 3 * Math.sqrt(variance)));
  return {
    yawDeg: widen(policy.rules.lookAwayYawDeg, b.yaw.variance),
    pitchDeg: widen(policy.rules.lookAwayPitchDeg, b.pitch.variance),
    gazeH: Math.min(GAZE_AWAY_OFFSET.h + 0.1, Math.max(GAZE_AWAY_OFFSET.h, 3 * Math.sqrt(b.gazeH.variance))),
    gazeV: Math.min(GAZE_AWAY_OFFSET.v + 0.1, Math.max(GAZE_AWAY_OFFSET.v, 3 * Math.sqrt(b.gazeV.variance))),
  };
}
