/**
 * FaceMesh (468 points) on an upright face crop, and Iris (eye contour + 5 iris points per eye) on eye crops cut
 * from those points, giving the 478-point mesh in frame pixels. The crop comes from a detection (first frame, or
 * after tracking is lost) or from the previous frame's mesh (tracking). The two are separate calls because the next
 * frame's tracking needs only the 468 points: Iris can run elsewhere meanwhile.
 */
import type { RgbFrame } from '../media/frames';
import type { FaceDetection, Point } from './face-detector';
import { TO_UNIT, cropPointToFrame, cropToTensor, type Crop } from './image-ops';
import { IRIS_MODEL, MESH } from './landmarks';
import type { Model } from './sessions';

export type Point3 = [number, number, number];

export interface FaceMesh {
  /** 468 points in frame pixels, then the 10 iris points once Iris has run; z in the same pixel scale, smaller is nearer the camera. */
  points: Point3[];
  /** FaceMesh's face-presence score (0..1). */
  score: number;
  /** The upright crop the mesh was measured in (reused for anti-spoof, liveness, emotion, descriptor). */
  crop: Crop;
}

const MESH_SIZE = 192;
const IRIS_SIZE = 64;
/** How much larger than the detector's box the mesh crop is (as @vladmandic/human does). */
const DETECTION_SCALE = 1.4;
/** How much larger than the mesh's own extent the next frame's crop is (as MediaPipe does when tracking). */
const TRACKING_SCALE = 1.5;
const EYE_SCALE = 2.3;

/** Angle a crop must turn so that `from -> to` points up in the crop. */
function uprightAngle(from: Point, to: Point): number {
  return Math.atan2(to[0] - from[0], -(to[1] - from[1]));
}

export function cropFromDetection(d: FaceDetection): Crop {
  const side = Math.max(d.box.w, d.box.h) * DETECTION_SCALE;
  const mouth = d.keypoints[3]!;
  const nose = d.keypoints[2]!;
  return { cx: d.box.x + d.box.w / 2, cy: d.box.y + d.box.h / 2, w: side, h: side, angle: uprightAngle(mouth, nose) };
}

export function cropFromMesh(points: Point3[]): Crop {
  const lip = points[MESH.upperLipInner]!;
  const eyes = points[MESH.midEyes]!;
  const angle = uprightAngle([lip[0], lip[1]], [eyes[0], eyes[1]]);
  // Extent measured along the face's own axes, so a tilted head does not inflate the box.
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (let i = 0; i < 468; i++) {
    const [x, y] = points[i]!;
    const u = x * cos + y * sin;
    const v = -x * sin + y * cos;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  const side = Math.max(maxU - minU, maxV - minV) * TRACKING_SCALE;
  return { cx: cu * cos - cv * sin, cy: cu * sin + cv * cos, w: side, h: side, angle };
}

/** The face's box in frame pixels: the axis-aligned bounds of the 468 mesh points. */
export function meshBox(points: Point3[]) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < 468; i++) {
    const [x, y] = points[i]!;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** FaceMesh's input tensor, for a caller that runs one mesh at a time to cut every crop into the same memory. */
export const meshInput = (): Float32Array<ArrayBuffer> => new Float32Array(MESH_SIZE * MESH_SIZE * 3);

/** `input`: memory for the crop (from `meshInput`), free again once this resolves; a new tensor without it. */
export async function runFaceMesh(meshModel: Model, frame: RgbFrame, crop: Crop, input = meshInput()): Promise<FaceMesh> {
  const out = await meshModel.run(cropToTensor(frame, crop, MESH_SIZE, MESH_SIZE, TO_UNIT, input));
  const meshOut = meshModel.entry.outputs.find((o) => o.shape[1] === 1404)!;
  const flagOut = meshModel.entry.outputs.find((o) => o.shape[1] === 1)!;
  const raw = out[meshOut.name]!;
  const score = out[flagOut.name]![0]!;
  const zScale = crop.w / MESH_SIZE;
  const points: Point3[] = [];
  for (let i = 0; i < 468; i++) {
    const [x, y] = cropPointToFrame(crop, MESH_SIZE, MESH_SIZE, raw[i * 3]!, raw[i * 3 + 1]!);
    points.push([x, y, raw[i * 3 + 2]! * zScale]);
  }
  return { points, score, crop };
}

/** Eye crop around the two corners, turned like the face; the left eye mirrored, as the Iris model expects a right eye. */
function eyeCrop(points: Point3[], a: number, b: number, angle: number, flip: boolean): Crop {
  const [ax, ay] = points[a]!;
  const [bx, by] = points[b]!;
  const side = Math.hypot(bx - ax, by - ay) * EYE_SCALE;
  return { cx: (ax + bx) / 2, cy: (ay + by) / 2, w: side, h: side, angle, flip };
}

/**
 * Iris on both eyes of a mesh; returns the 10 iris points (right iris, then left) in frame pixels. With one model
 * both eyes go in one batch; with two, each eye runs on its own model at the same time (two worker threads: half
 * the wait for a frame on an otherwise idle second core, the same total work). The eye crops are cut before the
 * first await, so the frame may change once this has been called.
 */
export async function runIris(models: readonly [Model] | readonly [Model, Model], frame: RgbFrame, mesh: FaceMesh): Promise<Point3[]> {
  const { points, crop } = mesh;
  const angle = crop.angle;
  const crops = [eyeCrop(points, MESH.rightEye.outer, MESH.rightEye.inner, angle, false), eyeCrop(points, MESH.leftEye.inner, MESH.leftEye.outer, angle, true)];
  const perEye = IRIS_SIZE * IRIS_SIZE * 3;
  const output = (model: Model) => (out: Record<string, Float32Array>) => out[model.entry.outputs[0]!.name]!;
  let runs: Promise<Float32Array>[];
  if (models.length === 2) runs = crops.map((c, eye) => models[eye]!.run(cropToTensor(frame, c, IRIS_SIZE, IRIS_SIZE, TO_UNIT), 1).then(output(models[eye]!)));
  else {
    const input = new Float32Array(perEye * 2);
    crops.forEach((c, eye) => cropToTensor(frame, c, IRIS_SIZE, IRIS_SIZE, TO_UNIT, input, eye * perEye));
    runs = [models[0].run(input, 2).then(output(models[0]))];
  }
  const raws = await Promise.all(runs);
  const stride = IRIS_MODEL.points * 3;
  const result: Point3[] = [];
  crops.forEach((c, eye) => {
    const [raw, base] = raws.length === 2 ? [raws[eye]!, 0] : [raws[0]!, eye * stride];
    const zScale = c.w / IRIS_SIZE;
    for (let k = 0; k < IRIS_MODEL.points; k++) {
      const o = base + k * 3;
      const [x, y] = cropPointToFrame(c, IRIS_SIZE, IRIS_SIZE, raw[o]!, raw[o + 1]!);
      result.push([x, y, raw[o + 2]! * zScale]);
    }
  });
  return result;
}
