/**
 * Measures from the 478-point mesh: head pose, gaze offsets and zone, eye aspect ratios, mouth opening.
 * Sign conventions are fixed in README.md ("Conventions") and checked by pipeline.test.ts on mirrored and
 * rotated photos and on faces with the eyes turned or the head pitched.
 */
import type { GazeZone } from '../features/schema';
import type { Point3 } from './face-mesh';
import { MESH } from './landmarks';

type V3 = [number, number, number];
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (a: V3): V3 => {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
};
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dist2 = (a: Point3, b: Point3) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const DEG = 180 / Math.PI;

export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

/**
 * Builds the face's axes from the mesh (eye line across, forehead-chin down, their cross product out of the face)
 * and reads the angles off them. Image axes: x right, y down, z away from the camera.
 */
export function headPose(p: Point3[]): HeadPose {
  const across = norm(sub(p[MESH.leftEye.outer]!, p[MESH.rightEye.outer]!));
  const down = norm(sub(p[MESH.chin]!, p[MESH.forehead]!));
  // down x across points towards the camera (z < 0) for a frontal face: the direction the nose points.
  const out = norm(cross(down, across));
  const yaw = Math.atan2(out[0], -out[2]) * DEG;
  const pitch = Math.asin(Math.max(-1, Math.min(1, -out[1]))) * DEG;
  const roll = Math.atan2(across[1], across[0]) * DEG;
  return { yaw, pitch, roll };
}

export interface Gaze {
  /** Iris offset along the eye, -1..1 of the half-width; > 0 towards the subject's left (the image's right). */
  h: number;
  /** Iris offset across the eye from its resting height, in half-widths; > 0 upwards. */
  v: number;
}

/**
 * Looking straight ahead, the iris centre sits about this far (in eye half-widths) above the line through the eye
 * corners: 0.15 on the @vladmandic/human sample portrait, 0.15-0.22 on the gaze clips. Why the corner line and the
 * width rather than the lids and the height: lid positions vary from person to person and collapse in a blink,
 * the corners do not.
 */
export const IRIS_REST_V = 0.17;

function eyeGaze(p: Point3[], eye: typeof MESH.rightEye | typeof MESH.leftEye, iris: Point3): Gaze {
  // Corners ordered image-left to image-right, so h grows to the image's right for both eyes.
  const [a, b] = eye === MESH.rightEye ? [p[eye.outer]!, p[eye.inner]!] : [p[eye.inner]!, p[eye.outer]!];
  const ux = b[0] - a[0];
  const uy = b[1] - a[1];
  const width = Math.hypot(ux, uy) || 1;
  const [ex, ey] = [ux / width, uy / width];
  const dx = iris[0] - (a[0] + b[0]) / 2;
  const dy = iris[1] - (a[1] + b[1]) / 2;
  // The eye's "up" is the in-image perpendicular (ey, -ex) of its left-to-right axis.
  return { h: (dx * ex + dy * ey) / (width / 2), v: (dx * ey - dy * ex) / (width / 2) - IRIS_REST_V };
}

export function gaze(p: Point3[]): Gaze | null {
  if (p.length < 478) return null;
  const r = eyeGaze(p, MESH.rightEye, p[MESH.rightIris[0]]!);
  const l = eyeGaze(p, MESH.leftEye, p[MESH.leftIris[0]]!);
  const clamp = (x: number) => Math.max(-1, Math.min(1, x));
  return { h: clamp((r.h + l.h) / 2), v: clamp((r.v + l.v) / 2) };
}

/**
 * Where the candidate is looking, combining head turn and eyes. Zones are named from the candidate's own point of
 * view: 'left' is the candidate's left (the image's right in an unmirrored camera), 'up' is up.
 */
export const GAZE_ZONE = {
  /** Degrees of head yaw / pitch that count as fully turned. */
  yawFull: 30,
  pitchFull: 25,
  /** Iris offsets that count as fully turned (the eyes alone reach about 0.25 looking well sideways). */
  hFull: 0.2,
  vFull: 0.3,
  /** Combined score above which the zone is off-centre. */
  threshold: 1,
};

/** Head turn plus eye offset, each in units of "fully turned"; 0 is looking straight at the camera. */
export function gazeDirection(pose: HeadPose | null, g: Gaze | null): { h: number; v: number } {
  return {
    h: (pose ? pose.yaw / GAZE_ZONE.yawFull : 0) + (g ? g.h / GAZE_ZONE.hFull : 0),
    v: (pose ? pose.pitch / GAZE_ZONE.pitchFull : 0) + (g ? g.v / GAZE_ZONE.vFull : 0),
  };
}

export function gazeZone(pose: HeadPose | null, g: Gaze | null): GazeZone {
  if (!pose && !g) return 'unknown';
  const { h, v } = gazeDirection(pose, g);
  if (Math.max(Math.abs(h), Math.abs(v)) < GAZE_ZONE.threshold) return 'center';
  if (Math.abs(h) >= Math.abs(v)) return h > 0 ? 'left' : 'right';
  return v > 0 ? 'up' : 'down';
}

/** Eye aspect ratio (Soukupová and Čech): eyelid gaps over eye width; about 0.3 open, under 0.2 closed. */
export function eyeAspectRatio(p: Point3[], idx: readonly number[]): number {
  const [p1, p2, p3, p4, p5, p6] = idx.map((i) => p[i]!) as [Point3, Point3, Point3, Point3, Point3, Point3];
  return (dist2(p2, p6) + dist2(p3, p5)) / (2 * dist2(p1, p4) || 1);
}

export const BLINK_EAR = 0.2;

/** 100 when head and eyes face the screen, falling linearly to 0 at twice the off-centre zone threshold. */
export function engagement(pose: HeadPose, g: Gaze | null): number {
  const { h, v } = gazeDirection(pose, g);
  return Math.round(100 * Math.max(0, 1 - Math.max(Math.abs(h), Math.abs(v)) / (2 * GAZE_ZONE.threshold)));
}

/** Inner-lip gap over mouth width (corner to corner). */
export function mouthOpening(p: Point3[]): number {
  return dist2(p[MESH.upperLipInner]!, p[MESH.lowerLipInner]!) / (dist2(p[MESH.mouthRight]!, p[MESH.mouthLeft]!) || 1);
}
