/**
 * Per-frame liveness evidence of the tracked face: one Float32Array of EVIDENCE_DIM values, laid out as
 * EVIDENCE_PARTS says. Cut from the face's upright FaceMesh crop (the one anti-spoof and liveness read), resampled
 * to EVIDENCE_CROP pixels square, so the values do not depend on the camera's resolution or the face's size.
 *
 * | part | dims | seed | what |
 * | --- | --- | --- | --- |
 * | cnn | 2 | 1280 | the anti-spoof and liveness models' scores (the per-frame CNNs Vigil already runs) |
 * | texture | 120 | 768 | LBP riu2 histograms, R = 1, 2, in Y Cb Cr H S V (texture.ts) |
 * | frequency | 32 | 785 | radial profile of the 2-D power spectrum (spectrum.ts) |
 * | moire | 8 | 29 | band peaks, angular unevenness, high/low ratio, flatness (spectrum.ts) |
 * | depth | 8 | 16 | FaceMesh relief and rigidity against the previous evidence frame (depth.ts) |
 *
 * Only the crop's pixels inside the camera frame count (`insideFrame`): the 1.5x crop of a face close to the
 * camera, or near the frame's edge, reaches past it, and cropToTensor fills that part with black. Counted, that flat
 * black area and its straight edge changed the texture and spectrum with the frame's size and the face's place in it:
 * a real face in a 640x480 frame that its crop overran scored 0.36 (a print) where the same video in its own 480x848
 * frame scored 0.999.
 *
 * The CNN part is two scores rather than a 1280-d embedding: the converted models end in their score, and 61
 * training sequences (9 subjects) cannot fit a 1280-wide projection without learning the subjects.
 */
import type { RgbFrame } from '../media/frames';
import type { Point3 } from '../vision/face-mesh';
import { RAW, cropToTensor, type Crop } from '../vision/image-ops';
import { DEPTH_DIM, depthEvidence } from './depth';
import { FREQUENCY_DIM, MOIRE_DIM, spectrumEvidence } from './spectrum';
import { TEXTURE_DIM, textureEvidence } from './texture';

export const EVIDENCE_CROP = 128;

export const EVIDENCE_PARTS = {
  cnn: { offset: 0, dim: 2 },
  texture: { offset: 2, dim: TEXTURE_DIM },
  frequency: { offset: 2 + TEXTURE_DIM, dim: FREQUENCY_DIM },
  moire: { offset: 2 + TEXTURE_DIM + FREQUENCY_DIM, dim: MOIRE_DIM },
  depth: { offset: 2 + TEXTURE_DIM + FREQUENCY_DIM + MOIRE_DIM, dim: DEPTH_DIM },
} as const;

export const EVIDENCE_DIM = 2 + TEXTURE_DIM + FREQUENCY_DIM + MOIRE_DIM + DEPTH_DIM;

/**
 * 1 for each pixel of the size x size crop whose sample lies in the frame, 0 where cropToTensor fills (the same
 * geometry and rule: a sample at x < -1 or x >= width is outside, likewise y).
 */
export function insideFrame(width: number, height: number, crop: Crop, size: number): Uint8Array {
  const inside = new Uint8Array(size * size);
  const cos = Math.cos(crop.angle);
  const sin = Math.sin(crop.angle);
  for (let j = 0; j < size; j++) {
    const v = ((j + 0.5) * crop.h) / size - crop.h / 2;
    for (let i = 0; i < size; i++) {
      const u = ((i + 0.5) * crop.w) / size - crop.w / 2;
      const x = crop.cx + u * cos - v * sin - 0.5;
      const y = crop.cy + u * sin + v * cos - 0.5;
      inside[j * size + i] = x >= -1 && y >= -1 && x < width && y < height ? 1 : 0;
    }
  }
  return inside;
}

/**
 * Everything but the CNN scores (left NaN until `setCnnScores`), computed at once from the frame: the caller may
 * reuse the frame's memory as soon as this returns.
 */
export function frameEvidence(frame: Pick<RgbFrame, 'width' | 'height' | 'data'>, crop: Crop, points: readonly Point3[], previousPoints: readonly Point3[] | null): Float32Array {
  const out = new Float32Array(EVIDENCE_DIM);
  out[0] = Number.NaN;
  out[1] = Number.NaN;
  const rgb = cropToTensor(frame, { ...crop, flip: false }, EVIDENCE_CROP, EVIDENCE_CROP, RAW);
  const mask = insideFrame(frame.width, frame.height, crop, EVIDENCE_CROP);
  // Usually the whole crop is in the frame: then no pixel needs its neighbourhood checked (the same histograms).
  const inside = mask.includes(0) ? mask : undefined;
  textureEvidence(rgb, EVIDENCE_CROP, out, EVIDENCE_PARTS.texture.offset, inside);
  const gray = new Float32Array(EVIDENCE_CROP * EVIDENCE_CROP);
  for (let i = 0; i < gray.length; i++) gray[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  spectrumEvidence(gray, EVIDENCE_CROP, out, EVIDENCE_PARTS.frequency.offset, inside);
  depthEvidence(points, previousPoints, out, EVIDENCE_PARTS.depth.offset);
  return out;
}

export function setCnnScores(evidence: Float32Array, antispoof: number, liveness: number): void {
  evidence[0] = antispoof;
  evidence[1] = liveness;
}
