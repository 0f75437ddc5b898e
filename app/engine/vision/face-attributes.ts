/**
 * Runners for the models that read the upright face crop: anti-spoof, liveness, emotion and the face descriptor.
 * Input sizes and normalisations are those @vladmandic/human feeds the same models.
 */
import type { RgbFrame } from '../media/frames';
import { alignedCrop } from './face-align';
import type { Point3 } from './face-mesh';
import { RAW, TO_UNIT, cropToTensor, toGray, type Crop } from './image-ops';
import type { Model } from './sessions';

async function single(model: Model, input: Float32Array): Promise<Float32Array> {
  const out = await model.run(input);
  return out[model.entry.outputs[0]!.name]!;
}

/** Probability that the face is a real one rather than a print or a screen (0..1). */
export async function antispoofScore(model: Model, frame: RgbFrame, crop: Crop): Promise<number> {
  const [h, w] = model.inputSize;
  return (await single(model, cropToTensor(frame, crop, w, h, TO_UNIT)))[0]!;
}

/** Liveness score of the face crop (0..1): the model's "live" class probability. */
export async function livenessScore(model: Model, frame: RgbFrame, crop: Crop): Promise<number> {
  const [h, w] = model.inputSize;
  return (await single(model, cropToTensor(frame, crop, w, h, TO_UNIT)))[0]!;
}

export const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];

export async function emotion(model: Model, frame: RgbFrame, crop: Crop): Promise<{ label: Emotion; score: number }> {
  const [h, w] = model.inputSize;
  const gray = toGray(cropToTensor(frame, crop, w, h, RAW), w * h).map((g) => (g / 255 - 0.5) * 2);
  const p = await single(model, gray);
  let best = 0;
  for (let i = 1; i < EMOTIONS.length; i++) if (p[i]! > p[best]!) best = i;
  return { label: EMOTIONS[best]!, score: p[best]! };
}

/**
 * The 1024-d face descriptor (global pooling of FaceRes-deep), L2-normalised: the face aligned to ArcFace's template
 * (`face-align.ts`), and its mirror image, in one batch of two; their unit descriptors are summed and normalised
 * again. The mirror costs one more run and took the NUAA equal error rate from 0.132 to 0.120 (vision README).
 */
export async function faceDescriptor(model: Model, frame: RgbFrame, points: readonly Point3[]): Promise<Float32Array> {
  const [h, w] = model.inputSize;
  const crop = alignedCrop(points);
  const size = w * h * 3;
  const input = new Float32Array(2 * size);
  cropToTensor(frame, crop, w, h, RAW, input, 0);
  cropToTensor(frame, { ...crop, flip: true }, w, h, RAW, input, size);
  const out = await model.run(input, 2);
  const both = out[model.entry.outputs.find((o) => o.shape[1] === 1024)!.name]!;
  return meanDirection(both, 2);
}

/** The normalised sum of `count` descriptors laid end to end, each normalised first (a template of several views). */
export function meanDirection(descriptors: Float32Array, count: number): Float32Array {
  const n = descriptors.length / count;
  const sum = new Float32Array(n);
  for (let k = 0; k < count; k++) {
    const one = descriptors.subarray(k * n, (k + 1) * n);
    const norm = Math.hypot(...one) || 1;
    for (let i = 0; i < n; i++) sum[i]! += one[i]! / norm;
  }
  const norm = Math.hypot(...sum) || 1;
  return sum.map((x) => x / norm);
}

/** Cosine similarity of two descriptors, -1..1 (1 for the same face image). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
