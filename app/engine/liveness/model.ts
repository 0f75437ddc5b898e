/**
 * A liveness model folder (`model.onnx`, `metadata.json`, `curves.png`) and the runtime that scores windows with
 * it on onnxruntime-node. The default model ships in `default/` (trained here; see its MODEL_CARD.md).
 * This file loads only onnxruntime-node and zod: the live app never loads TensorFlow.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { readModelMetadata } from '../temporal/model-files';
import { sessionOptions } from '../vision/sessions';
import { CONFIDENCE_NAME, INPUT_NAME, SCORE_NAME } from './onnx-names';
import { EVIDENCE_DIM } from './evidence';
import { WINDOW } from './windows';

export const MODEL_FILE = 'model.onnx';
export const METADATA_FILE = 'metadata.json';
export const CURVES_FILE = 'curves.png';

/**
 * The shipped model: `default/` beside this module in the sources; in a build the engine is one bundled file in
 * dist/, and build/bundle.mjs copies the folder to dist/liveness-default (before, the built app looked for
 * dist/default, found nothing, and ran live sessions without liveness: issue #21's live-vs-file disagreement).
 */
export const DEFAULT_MODEL_DIR = ((here: string) => (existsSync(join(here, 'default', MODEL_FILE)) ? join(here, 'default') : join(here, 'liveness-default')))(dirname(fileURLToPath(import.meta.url)));

export const LivenessMetadata = z.object({
  kind: z.literal('vigil-liveness'),
  version: z.literal(1),
  window: z.literal(WINDOW),
  stride: z.number().int().positive(),
  evidenceDim: z.literal(EVIDENCE_DIM),
  /** A window or sequence whose live score is below this is called an attack (chosen on validation subjects). */
  threshold: z.number().min(0).max(1),
  /** Windows at or above this confidence count as evidence for an alert. */
  confidentAbove: z.number().min(0).max(1),
  trainedOn: z.object({ data: z.string(), subjects: z.array(z.string()), validationSubjects: z.array(z.string()), sequences: z.number().int() }),
  config: z.record(z.string(), z.number()),
  training: z.object({ epochs: z.number().int(), bestEpoch: z.number().int(), cpuSeconds: z.number(), wallSeconds: z.number(), backend: z.string(), load: z.string() }),
  validation: z.object({ sequences: z.number().int(), windows: z.number().int(), auc: z.number().nullable(), sequenceAuc: z.number().nullable() }),
  createdAt: z.string(),
  /** Largest |onnxruntime - trainer| on the validation windows when exported. */
  parity: z.number().optional(),
});
export type LivenessMetadata = z.infer<typeof LivenessMetadata>;

export class LivenessModelError extends Error {
  constructor(
    readonly thing: string,
    readonly problem: string,
  ) {
    super(`${thing}: ${problem}`);
  }
}

export interface WindowOutput {
  readonly score: number;
  readonly confidence: number;
}

export class LivenessModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly metadata: LivenessMetadata,
    readonly dir: string,
  ) {}

  static async load(dir = DEFAULT_MODEL_DIR, threads = 1): Promise<LivenessModel> {
    const metadataPath = join(dir, METADATA_FILE);
    const metadata = readModelMetadata(metadataPath, LivenessMetadata, 'liveness', (thing, problem) => new LivenessModelError(thing, problem));
    const modelPath = join(dir, MODEL_FILE);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(readFileSync(modelPath), sessionOptions(threads));
    } catch (error) {
      throw new LivenessModelError(modelPath, `not a loadable ONNX model (${(error as Error).message})`);
    }
    return new LivenessModel(session, metadata, dir);
  }

  get threshold(): number {
    return this.metadata.threshold;
  }

  /** Scores `count` windows stored row-major ([count, 12, EVIDENCE_DIM], raw evidence, NaN allowed). */
  async scoreWindows(values: Float32Array, count: number): Promise<WindowOutput[]> {
    if (count === 0) return [];
    const out = await this.session.run({ [INPUT_NAME]: new ort.Tensor('float32', values, [count, WINDOW, EVIDENCE_DIM]) });
    const s = out[SCORE_NAME]!.data as Float32Array;
    const c = out[CONFIDENCE_NAME]!.data as Float32Array;
    return Array.from({ length: count }, (_, i) => ({ score: s[i]!, confidence: c[i]! }));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
