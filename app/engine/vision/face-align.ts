/**
 * Face alignment for the face descriptors: the similarity transform (rotation, one scale, shift) that puts five
 * FaceMesh points (eye centres, nose tip, mouth corners) on ArcFace's canonical 112x112 template, as a `Crop`
 * that `cropToTensor` samples at any model size. Descriptors compare faces, not framing: with the same points on
 * the same pixels in every crop, the FaceRes-deep equal error rate on NUAA pairs fell from 0.162 (the upright
 * 1.5x mesh region) to 0.132 (vision README, "Identity").
 */
import type { Point3 } from './face-mesh';
import type { Crop } from './image-ops';
import { MESH } from './landmarks';

/**
 * ArcFace's five reference points in a 112x112 crop (insightface `arcface_dst`): the image-left eye (the subject's
 * right), the image-right eye, the nose tip, the image-left and image-right mouth corners.
 */
export const ARCFACE_TEMPLATE: readonly (readonly [number, number])[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];
const TEMPLATE_SIZE = 112;

const midpoint = (a: Point3, b: Point3): [number, number] => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/**
 * The five points in the template's order. Eye centres are the eye corners' midpoints, not the iris: Iris runs
 * beside the descriptor and may not have answered yet, and the corners do not move with the gaze.
 */
export function fivePoints(points: readonly Point3[]): [number, number][] {
  const p = (i: number) => points[i]!;
  return [
    midpoint(p(MESH.rightEye.outer), p(MESH.rightEye.inner)),
    midpoint(p(MESH.leftEye.outer), p(MESH.leftEye.inner)),
    [p(MESH.noseTip)[0], p(MESH.noseTip)[1]],
    [p(MESH.mouthRight)[0], p(MESH.mouthRight)[1]],
    [p(MESH.mouthLeft)[0], p(MESH.mouthLeft)[1]],
  ];
}

/**
 * The crop whose samples land the five points on the template (least squares, Umeyama without reflection),
 * zoomed out by `margin` (1 = ArcFace's own framing; 1.15 shows 15 % more around the same centre).
 */
export function alignedCrop(points: readonly Point3[], margin = 1): Crop {
  const dst = fivePoints(points);
  // The template as offsets from the crop's centre, in template pixels; `margin` widens the view.
  const src = ARCFACE_TEMPLATE.map(([x, y]) => [(x - TEMPLATE_SIZE / 2) / margin, (y - TEMPLATE_SIZE / 2) / margin] as const);
  const n = src.length;
  const ms = [src.reduce((a, p) => a + p[0], 0) / n, src.reduce((a, p) => a + p[1], 0) / n];
  const md = [dst.reduce((a, p) => a + p[0], 0) / n, dst.reduce((a, p) => a + p[1], 0) / n];
  // frame = a * template + b with a complex (scale and rotation): a = sum (d - md) conj(s - ms) / sum |s - ms|^2.
  let re = 0;
  let im = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const sx = src[i]![0] - ms[0]!;
    const sy = src[i]![1] - ms[1]!;
    const dx = dst[i]![0] - md[0]!;
    const dy = dst[i]![1] - md[1]!;
    re += dx * sx + dy * sy;
    im += dy * sx - dx * sy;
    den += sx * sx + sy * sy;
  }
  const [ar, ai] = [re / den, im / den];
  const scale = Math.hypot(ar, ai);
  // The crop's centre is the image of the template's centre, which is the origin of `src`.
  const cx = md[0]! - (ar * ms[0]! - ai * ms[1]!);
  const cy = md[1]! - (ar * ms[1]! + ai * ms[0]!);
  return { cx, cy, w: scale * TEMPLATE_SIZE, h: scale * TEMPLATE_SIZE, angle: Math.atan2(ai, ar) };
}
