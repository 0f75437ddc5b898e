/**
 * Opens the converted models in onnxruntime-node, on the calling thread (`openModels`) or in a worker thread
 * (`openModelsInWorker`, worker-models.ts). Converts them first when missing (ensureModels), so a fresh clone works
 * without anyone remembering `npm run models`.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ensureModels } from '../../../models/convert/build-models';
import type { ManifestEntry } from '../../../models/convert/manifest';
import { modelsDir } from '../paths';

export type ModelName = 'blazeface' | 'facemesh' | 'iris' | 'centernet' | 'nanodet' | 'antispoof' | 'liveness' | 'emotion' | 'faceres' | 'mobilefacenet' | 'mobileface' | 'faceres-deep' | 'textdet' | 'movenet-multipose';

export interface SessionOptions {
  /** Intra-op threads per session (1 or 2 on this class of machine). */
  threads?: number;
  /** Keep onnxruntime's memory arena (see sessionOptions). */
  arena?: boolean;
  dir?: string;
}

/** A converted model, wherever it runs: the pipeline's code is the same for both. */
export interface Model {
  readonly name: ModelName;
  readonly entry: ManifestEntry;
  /** NHWC input size [height, width, channels] from the manifest. */
  readonly inputSize: [number, number, number];
  /** Runs a batch of NHWC images (or one input of the given `shape`); returns each output's data by name. */
  run(input: Float32Array, batch?: number, shape?: readonly number[]): Promise<Record<string, Float32Array>>;
  release(): Promise<void>;
}

export const sessionOptions = (threads = 1, arena = false): ort.InferenceSession.SessionOptions => ({
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  // Why no arena by default: onnxruntime's arena keeps each session's largest activations for good (about 100 MB
  // across CenterNet and the text detector); freed tensors go back to the allocator instead
  // (app/engine/memory-env.mjs). The price: activations above the allocator's 8 MB mmap threshold are mapped and
  // faulted in again on every run (CenterNet 58 -> 70 ms, text 32 -> 41 ms). With `arena`, they stay, without
  // the memory pattern, which would hold about twice as much (+47 MB for both, not +90).
  enableCpuMemArena: arena,
  ...(arena ? { enableMemPattern: false } : {}),
});

export const nhwcSize = (entry: ManifestEntry): [number, number, number] => {
  const s = entry.inputs[0]!.shape;
  return [s[1]!, s[2]!, s[3]!];
};

/** The manifest entry and file of each model, converting the models first when they are missing or stale. */
export function resolveModels<N extends ModelName>(names: readonly N[], dir = modelsDir()): Record<N, { entry: ManifestEntry; file: string }> {
  const manifest = ensureModels(dir);
  const found = {} as Record<N, { entry: ManifestEntry; file: string }>;
  for (const name of names) {
    const entry = manifest.models.find((m) => m.name === name);
    if (!entry) throw new Error(`model ${name} is not in ${join(dir, 'manifest.json')}`);
    found[name] = { entry, file: join(dir, entry.file) };
  }
  return found;
}

class LocalModel implements Model {
  readonly inputSize: [number, number, number];

  constructor(
    readonly name: ModelName,
    private readonly session: ort.InferenceSession,
    readonly entry: ManifestEntry,
  ) {
    this.inputSize = nhwcSize(entry);
  }

  async run(input: Float32Array, batch = 1, shape?: readonly number[]): Promise<Record<string, Float32Array>> {
    const feeds = { [this.entry.inputs[0]!.name]: new ort.Tensor('float32', input, shape ?? [batch, ...this.inputSize]) };
    const result = await this.session.run(feeds);
    const out: Record<string, Float32Array> = {};
    for (const o of this.entry.outputs) out[o.name] = result[o.name]!.data as Float32Array;
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export async function openModels<N extends ModelName>(names: readonly N[], options: SessionOptions = {}): Promise<Record<N, Model>> {
  const resolved = resolveModels(names, options.dir);
  const models = {} as Record<N, Model>;
  for (const name of names) {
    const { entry, file } = resolved[name];
    models[name] = new LocalModel(name, await ort.InferenceSession.create(file, sessionOptions(options.threads, options.arena)), entry);
  }
  return models;
}

/** Models opened together, released together (the sessions here, or a worker thread and its sessions). */
export interface ModelGroup<N extends ModelName = ModelName> {
  models: Record<N, Model>;
  release(): Promise<void>;
}

/** A group of whichever models. */
export type AnyModelGroup = { models: Partial<Record<ModelName, Model>>; release(): Promise<void> };

export async function openModelGroup<N extends ModelName>(names: readonly N[], options: SessionOptions = {}): Promise<ModelGroup<N>> {
  const models = await openModels(names, options);
  return { models, release: async () => void (await Promise.all(Object.values<Model>(models).map((m) => m.release()))) };
}

/** Opens groups side by side; if one fails, the others are released (nothing half-open is left) and its error thrown. */
export async function openGroups(opening: readonly Promise<AnyModelGroup>[]): Promise<AnyModelGroup[]> {
  const settled = await Promise.allSettled(opening);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (failure) {
    await Promise.allSettled(opened.map((g) => g.release()));
    throw failure.reason;
  }
  return opened;
}
