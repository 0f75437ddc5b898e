/**
 * CenterNet on COCO: the converted model ends at its heatmap (128x128x80, sigmoid) and size heads (128x128x4,
 * pixels of the 512x512 input: left, top, right, bottom from the cell centre). Decode here: 3x3 peaks, top-k,
 * boxes, per-class non-maximum suppression.
 */
import type { RgbFrame } from '../media/frames';
import { nonMaxSuppression, type Box } from './boxes';
import { RAW, cropToTensor } from './image-ops';
import { calibrate } from './score-calibration';
import type { Model } from './sessions';

export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench',
  'bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee', 'skis',
  'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife',
  'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock',
  'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
] as const;
export type CocoLabel = (typeof COCO_LABELS)[number];

export interface DetectedObject {
  label: CocoLabel;
  classId: number;
  /** Calibrated confidence (probability that such a detection is right) when the model has a calibration, else raw. */
  score: number;
  /** The detector's own score. */
  rawScore?: number;
  /** Frame pixels. */
  box: Box;
}

export interface ObjectOptions {
  minScore: number;
  maxIou: number;
  topK: number;
  maxObjects: number;
}
export const OBJECT_DEFAULTS: ObjectOptions = { minScore: 0.2, maxIou: 0.4, topK: 100, maxObjects: 20 };

const SIZE = 512;
const GRID = 128;
const STRIDE = SIZE / GRID;

/** Indices of cells that are the maximum of their 3x3 neighbourhood in their class plane, with score >= min. */
export function heatmapPeaks(heat: Float32Array, grid: number, classes: number, min: number): number[] {
  const peaks: number[] = [];
  for (let i = 0; i < heat.length; i++) {
    const s = heat[i]!;
    if (s < min) continue;
    const c = i % classes;
    const cell = (i - c) / classes;
    const x = cell % grid;
    const y = (cell - x) / grid;
    let peak = true;
    for (let dy = -1; dy <= 1 && peak; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if ((dx === 0 && dy === 0) || nx < 0 || ny < 0 || nx >= grid || ny >= grid) continue;
        if (heat[(ny * grid + nx) * classes + c]! > s) {
          peak = false;
          break;
        }
      }
    }
    if (peak) peaks.push(i);
  }
  return peaks;
}

export function decodeCenternet(heat: Float32Array, wh: Float32Array, frameW: number, frameH: number, options: ObjectOptions = OBJECT_DEFAULTS): DetectedObject[] {
  const classes = COCO_LABELS.length;
  const peaks = heatmapPeaks(heat, GRID, classes, options.minScore)
    .sort((a, b) => heat[b]! - heat[a]!)
    .slice(0, options.topK);
  const sx = frameW / SIZE;
  const sy = frameH / SIZE;
  const candidates = peaks.map((i) => {
    const classId = i % classes;
    const cell = (i - classId) / classes;
    const x = (cell % GRID) * STRIDE;
    const y = Math.floor(cell / GRID) * STRIDE;
    const [l, t, r, b] = [wh[cell * 4]!, wh[cell * 4 + 1]!, wh[cell * 4 + 2]!, wh[cell * 4 + 3]!];
    const box = { x: (x - l) * sx, y: (y - t) * sy, w: (l + r) * sx, h: (t + b) * sy };
    return { label: COCO_LABELS[classId]!, classId, score: heat[i]!, box };
  });
  return nonMaxSuppression(candidates, options.maxIou, options.maxObjects, (a, b) => a.classId === b.classId);
}

export async function detectObjects(model: Model, frame: RgbFrame, options: ObjectOptions = OBJECT_DEFAULTS): Promise<DetectedObject[]> {
  // Stretched to the square input, as the model was run by @vladmandic/human.
  const input = cropToTensor(frame, { cx: frame.width / 2, cy: frame.height / 2, w: frame.width, h: frame.height, angle: 0 }, SIZE, SIZE, RAW);
  const out = await model.run(input);
  const heat = out[model.entry.outputs.find((o) => o.shape[3] === COCO_LABELS.length)!.name]!;
  const wh = out[model.entry.outputs.find((o) => o.shape[3] === 4)!.name]!;
  return calibrated(model, decodeCenternet(heat, wh, frame.width, frame.height, options));
}

/** Scores through the model's calibration (its manifest entry), best first; unchanged when it has none. */
export function calibrated(model: Pick<Model, 'entry'>, objects: DetectedObject[]): DetectedObject[] {
  const c = model.entry.calibration;
  if (!c) return objects;
  return objects.map((o) => ({ ...o, rawScore: o.score, score: calibrate(c, o.label, o.score) })).sort((a, b) => b.score - a.score);
}
