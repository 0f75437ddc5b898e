/**
 * Writes a trained liveness model folder: model.onnx (our exporter), metadata.json, curves.png (the temporal
 * trainer's curve drawing). The three files are staged beside the folder and renamed into place, so an interrupted
 * run leaves the folder as it was. Before anything is written, onnxruntime-node scores the validation windows with
 * the exported graph and the largest difference from the trainer's own probabilities is recorded (and must be
 * below 1e-4).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { curvesPng } from '../temporal/curves';
import { EVIDENCE_DIM } from './evidence';
import { CURVES_FILE, METADATA_FILE, MODEL_FILE, type LivenessMetadata } from './model';
import { exportLivenessOnnx } from './onnx-export';
import { INPUT_NAME, SCORE_NAME } from './onnx-names';
import type { TrainResult } from './trainer';
import { WINDOW } from './windows';

export const PARITY_TOLERANCE = 1e-4;

/** Largest |onnxruntime - trainer| over the validation windows. */
export async function onnxParity(onnx: Uint8Array, result: Pick<TrainResult, 'parityWindows' | 'parityScores'>): Promise<number> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const n = result.parityScores.length;
    if (n === 0) return 0;
    const out = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', result.parityWindows, [n, WINDOW, EVIDENCE_DIM]) });
    const s = out[SCORE_NAME]!.data as Float32Array;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(s[i]! - result.parityScores[i]!));
    return max;
  } finally {
    await session.release();
  }
}

export async function writeModelFolder(out: string, result: TrainResult, metadata: LivenessMetadata): Promise<{ parity: number; onnxBytes: number }> {
  const onnx = exportLivenessOnnx(result.weights, result.scaler, { threshold: String(metadata.threshold) });
  const parity = await onnxParity(onnx, result);
  if (!(parity < PARITY_TOLERANCE)) throw new Error(`the exported ONNX model differs from the trainer by ${parity} (more than ${PARITY_TOLERANCE})`);
  mkdirSync(out, { recursive: true });
  const stage = join(out, `.staging-${process.pid}`);
  mkdirSync(stage, { recursive: true });
  const files: [string, Uint8Array | string][] = [
    [MODEL_FILE, onnx],
    [METADATA_FILE, `${JSON.stringify({ ...metadata, parity }, null, 2)}\n`],
    [CURVES_FILE, curvesPng(result.history, `liveness transformer: best epoch ${result.bestEpoch}`, result.bestEpoch)],
  ];
  for (const [name, data] of files) writeFileSync(join(stage, name), data);
  for (const [name] of files) renameSync(join(stage, name), join(out, name));
  rmSync(stage, { recursive: true, force: true });
  return { parity, onnxBytes: onnx.length };
}
