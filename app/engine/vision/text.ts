/**
 * Visible text (paper notes, a second screen, a phone's page held up to the camera): PP-OCRv4's detector gives a
 * text probability per pixel; regions are its connected areas above PaddleOCR's binarisation threshold, scored by
 * their mean probability (PaddleOCR's box score) and kept from its box threshold up. Only detection: what the text
 * says is never read, so nothing of it is stored.
 */
import type { RgbFrame } from '../media/frames';
import type { Box } from './boxes';
import { TO_UNIT, bgrPlanes, cropToTensor } from './image-ops';
import type { Model } from './sessions';

export interface TextRegion {
  /** Mean text probability over the region, 0..1. */
  score: number;
  /** Frame pixels. */
  box: Box;
}

export interface TextOptions {
  /** Longest side of the detector's input; each side is a multiple of 32. */
  maxSide: number;
  binarize: number;
  minScore: number;
  /** Regions thinner than this many map pixels are noise (PaddleOCR's min_size). */
  minSide: number;
}

export const TEXT_DEFAULTS: TextOptions = { maxSide: 480, binarize: 0.3, minScore: 0.6, minSide: 3 };

/** PP-OCR was trained on BGR images normalised with these per-position constants. */
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

/** The detector's input size for a frame: scaled so the longest side is `maxSide` (never up), sides rounded to 32. */
export function textInputSize(width: number, height: number, maxSide: number): [number, number] {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const side = (x: number) => Math.max(32, Math.round((x * scale) / 32) * 32);
  return [side(width), side(height)];
}

export async function detectText(model: Model, frame: RgbFrame, options: TextOptions = TEXT_DEFAULTS): Promise<TextRegion[]> {
  const [w, h] = textInputSize(frame.width, frame.height, options.maxSide);
  const rgb = cropToTensor(frame, { cx: frame.width / 2, cy: frame.height / 2, w: frame.width, h: frame.height, angle: 0 }, w, h, TO_UNIT);
  const input = bgrPlanes(rgb, w * h, MEAN, STD);
  const out = await model.run(input, 1, [1, 3, h, w]);
  return textRegions(out[model.entry.outputs[0]!.name]!, w, h, frame.width / w, frame.height / h, options);
}

/** Connected regions (8-neighbour, as contour tracing sees them) of `prob >= binarize`, best first. */
export function textRegions(prob: Float32Array, w: number, h: number, sx: number, sy: number, options: TextOptions = TEXT_DEFAULTS): TextRegion[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const regions: TextRegion[] = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || prob[start]! < options.binarize) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let sum = 0;
    let count = 0;
    let [x0, y0, x1, y1] = [w, h, -1, -1];
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % w;
      const y = (i - x) / w;
      sum += prob[i]!;
      count++;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const j = ny * w + nx;
          if (seen[j] || prob[j]! < options.binarize) continue;
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
    const score = sum / count;
    if (Math.min(x1 - x0 + 1, y1 - y0 + 1) < options.minSide || score < options.minScore) continue;
    regions.push({ score, box: { x: x0 * sx, y: y0 * sy, w: (x1 - x0 + 1) * sx, h: (y1 - y0 + 1) * sy } });
  }
  return regions.sort((a, b) => b.score - a.score);
}
