/**
 * Depth and rigidity evidence from the FaceMesh landmarks (8 values). A flat print has no relief of its own and,
 * held up to a camera, moves as one rigid plane; a face turns in 3-D and changes expression, which a 2-D affine
 * map between two meshes cannot follow.
 *
 * Relief (FaceMesh's z is inferred from appearance, so a photo of a face still gets a face-shaped mesh; these are
 * weak on their own): the std of z, the nose tip's height over the two cheeks, and the RMS distance of the points
 * from their best plane, each over the face width.
 * Rigidity against the previous evidence frame of the same face (about a second before): the RMS residual of the
 * least-squares affine map and of the best similarity map from the old points to the new (x, y only), the mean
 * displacement, all over the face width; the residual over the displacement (how non-rigid the motion is); and
 * 1 when a previous mesh existed (0 and zeros otherwise). The seed's 16 depth values came from a depth network
 * that Vigil does not have; these are what the mesh it already runs can give.
 */
import type { Point3 } from '../vision/face-mesh';

export const DEPTH_DIM = 8;
const MESH_POINTS = 468;
const NOSE_TIP = 1;
const CHEEKS = [234, 454] as const;

function solve3(a: number[][], b: number[]): number[] {
  // Cramer's rule on a 3x3 normal-equation system; singular -> zeros (a degenerate mesh).
  const det = (m: number[][]) => m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const d = det(a);
  if (Math.abs(d) < 1e-12) return [0, 0, 0];
  return [0, 1, 2].map((c) => det(a.map((row, r) => row.map((v, k) => (k === c ? b[r]! : v)))) / d);
}

/** Least-squares fit of v = p·x + q·y + r over the points; returns the residual RMS. */
function planeResidual(xs: number[], ys: number[], vs: number[]): number {
  let sxx = 0, sxy = 0, sx = 0, syy = 0, sy = 0, n = 0, sxv = 0, syv = 0, sv = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!, y = ys[i]!, v = vs[i]!;
    sxx += x * x; sxy += x * y; sx += x; syy += y * y; sy += y; n++; sxv += x * v; syv += y * v; sv += v;
  }
  const [p, q, r] = solve3([[sxx, sxy, sx], [sxy, syy, sy], [sx, sy, n]], [sxv, syv, sv]);
  let e = 0;
  for (let i = 0; i < xs.length; i++) e += (vs[i]! - (p! * xs[i]! + q! * ys[i]! + r!)) ** 2;
  return Math.sqrt(e / Math.max(1, xs.length));
}

function similarityResidual(from: Point3[], to: Point3[]): number {
  // Umeyama in 2-D with complex numbers: to ≈ a·from + t, a = s·e^{iθ}.
  const n = from.length;
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) { fx += from[i]![0]; fy += from[i]![1]; tx += to[i]![0]; ty += to[i]![1]; }
  fx /= n; fy /= n; tx /= n; ty /= n;
  let re = 0, im = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = from[i]![0] - fx, ay = from[i]![1] - fy, bx = to[i]![0] - tx, by = to[i]![1] - ty;
    re += ax * bx + ay * by;
    im += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  const ar = norm > 0 ? re / norm : 1;
  const ai = norm > 0 ? im / norm : 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const ax = from[i]![0] - fx, ay = from[i]![1] - fy;
    e += (to[i]![0] - tx - (ar * ax - ai * ay)) ** 2 + (to[i]![1] - ty - (ar * ay + ai * ax)) ** 2;
  }
  return Math.sqrt(e / n);
}

/** The 8 depth values of `points` (frame pixels), against `previous` (the last evidence frame's) when given. */
export function depthEvidence(points: readonly Point3[], previous: readonly Point3[] | null, out: Float32Array, offset: number): void {
  const pts = points.slice(0, MESH_POINTS) as Point3[];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const zs = pts.map((p) => p[2]);
  const width = Math.max(1e-6, Math.max(...xs) - Math.min(...xs));
  const zMean = zs.reduce((a, b) => a + b, 0) / zs.length;
  out[offset] = Math.sqrt(zs.reduce((a, z) => a + (z - zMean) ** 2, 0) / zs.length) / width;
  // z is smaller nearer the camera: the nose stands out by the cheeks' z minus its own.
  out[offset + 1] = ((zs[CHEEKS[0]]! + zs[CHEEKS[1]]!) / 2 - zs[NOSE_TIP]!) / width;
  out[offset + 2] = planeResidual(xs, ys, zs) / width;
  if (!previous || previous.length < MESH_POINTS) {
    out.fill(0, offset + 3, offset + DEPTH_DIM);
    return;
  }
  const prev = previous.slice(0, MESH_POINTS) as Point3[];
  const px = prev.map((p) => p[0]);
  const py = prev.map((p) => p[1]);
  // The affine map's x and y rows are two independent plane fits over the old (x, y).
  const affine = Math.sqrt((planeResidual(px, py, xs) ** 2 + planeResidual(px, py, ys) ** 2));
  const similarity = similarityResidual(prev, pts);
  let motion = 0;
  for (let i = 0; i < MESH_POINTS; i++) motion += Math.hypot(pts[i]![0] - prev[i]![0], pts[i]![1] - prev[i]![1]);
  motion /= MESH_POINTS;
  out[offset + 3] = affine / width;
  out[offset + 4] = similarity / width;
  out[offset + 5] = motion / width;
  out[offset + 6] = affine / (motion + 0.01 * width);
  out[offset + 7] = 1;
}
