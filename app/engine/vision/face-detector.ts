/**
 * BlazeFace (the 256x256 full-range variant shipped by @vladmandic/human): the whole frame letterboxed, 896 anchors
 * (16x16x2 at stride 16, then 8x8x6 at stride 32), box and six keypoints regressed from each anchor centre.
 */
import type { RgbFrame } from '../media/frames';
import { nonMaxSuppression, type Box } from './boxes';
import { TO_SIGNED, cropPointToFrame, cropToTensor, letterbox } from './image-ops';
import type { Model } from './sessions';

export type Point = [number, number];

export interface FaceDetection {
  box: Box;
  score: number;
  /** Right eye, left eye, nose tip, mouth centre, right ear, left ear (the subject's right/left). */
  keypoints: Point[];
}

export interface DetectorOptions {
  minScore: number;
  maxIou: number;
  maxFaces: number;
}

export const DETECTOR_DEFAULTS: DetectorOptions = { minScore: 0.5, maxIou: 0.3, maxFaces: 5 };

const SIZE = 256;

function anchors(): Point[] {
  const out: Point[] = [];
  for (const [stride, perCell] of [[16, 2], [32, 6]] as const) {
    const cells = Math.ceil(SIZE / stride);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let n = 0; n < perCell; n++) out.push([stride * (x + 0.5), stride * (y + 0.5)]);
  }
  return out;
}
const ANCHORS = anchors();

const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-80, Math.min(80, x))));

export async function detectFaces(model: Model, frame: RgbFrame, options: DetectorOptions = DETECTOR_DEFAULTS): Promise<FaceDetection[]> {
  const crop = letterbox(frame);
  const out = await model.run(cropToTensor(frame, crop, SIZE, SIZE, TO_SIGNED));
  // Outputs by shape: scores and regressors for the 512 stride-16 anchors, then the 384 stride-32 ones.
  const byShape = (n: number, c: number) => out[model.entry.outputs.find((o) => o.shape[1] === n && o.shape[2] === c)!.name]!;
  const scores = [byShape(512, 1), byShape(384, 1)];
  const regs = [byShape(512, 16), byShape(384, 16)];
  const toFrame = (p: Point): Point => cropPointToFrame(crop, SIZE, SIZE, p[0], p[1]);
  const candidates: FaceDetection[] = [];
  let a = 0;
  for (let part = 0; part < 2; part++) {
    const s = scores[part]!;
    const r = regs[part]!;
    for (let i = 0; i < s.length; i++, a++) {
      const score = sigmoid(s[i]!);
      if (score < options.minScore) continue;
      const [ax, ay] = ANCHORS[a]!;
      const o = i * 16;
      const cx = ax + r[o]!;
      const cy = ay + r[o + 1]!;
      const [x0, y0] = toFrame([cx - r[o + 2]! / 2, cy - r[o + 3]! / 2]);
      const [x1, y1] = toFrame([cx + r[o + 2]! / 2, cy + r[o + 3]! / 2]);
      const keypoints: Point[] = [];
      for (let k = 0; k < 6; k++) keypoints.push(toFrame([ax + r[o + 4 + 2 * k]!, ay + r[o + 5 + 2 * k]!]));
      candidates.push({ box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, score, keypoints });
    }
  }
  return nonMaxSuppression(candidates, options.maxIou, options.maxFaces);
}
