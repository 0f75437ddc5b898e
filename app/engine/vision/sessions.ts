/**
 * Opens the converted models in onnxruntime-node. Converts them first when missing (ensureModels), so a fresh
 * clone works without anyone remembering `npm run models`.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ensureModels } from '../../../models/convert/build-models';
import type { ManifestEntry } from '../../../models/convert/manifest';
import { modelsDir } from '../paths';

export type ModelName = 'blazeface' | 'facemesh' | 'iris' | 'centernet' | 'antispoof' | 'liveness' | 'emotion' | 'faceres';

export interface SessionOptions {
  /** Intra-op threads per session (1 or 2 on this class of machine). */
  threads?: number;
  dir?: string;
}

export class Model {
  constructor(
    readonly name: ModelName,
    readonly session: ort.InferenceSession,
    readonly entry: ManifestEntry,
  ) {}

  /** NHWC input size [height, width, channels] from the manifest. */
  get inputSize(): [number, number, number] {
    const s = this.entry.inputs[0]!.shape;
    return [s[1]!, s[2]!, s[3]!];
  }

  /** Runs a batch of NHWC images; returns each output's data by name. */
  async run(input: Float32Array, batch = 1): Promise<Record<string, Float32Array>> {
    const [h, w, c] = this.inputSize;
    const feeds = { [this.entry.inputs[0]!.name]: new ort.Tensor('float32', input, [batch, h, w, c]) };
    const result = await this.session.run(feeds);
    const out: Record<string, Float32Array> = {};
    for (const o of this.entry.outputs) out[o.name] = result[o.name]!.data as Float32Array;
    return out;
  }
}

export async function openModels<N extends ModelName>(names: readonly N[], options: SessionOptions = {}): Promise<Record<N, Model>> {
  const dir = options.dir ?? modelsDir();
  const manifest = ensureModels(dir);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  };
  const models = {} as Record<N, Model>;
  for (const name of names) {
    const entry = manifest.models.find((m) => m.name === name);
    if (!entry) throw new Error(`model ${name} is not in ${join(dir, 'manifest.json')}`);
    models[name] = new Model(name, await ort.InferenceSession.create(join(dir, entry.file), sessionOptions), entry);
  }
  return models;
}
