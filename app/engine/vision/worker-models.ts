/**
 * Models that run in a worker thread (model-worker.mjs) behind the same `Model` interface as local ones. Inputs are
 * transferred, not copied, so a caller must not reuse an input array after `run`. Requests are answered in order;
 * the worker's own thread runs them one at a time while the caller's thread goes on.
 */
import { Worker } from 'node:worker_threads';
import type { ManifestEntry } from '../../../models/convert/manifest';
import { nhwcSize, resolveModels, sessionOptions, type Model, type ModelGroup, type ModelName, type SessionOptions } from './sessions';

type Reply = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'result'; id: number; out: Record<string, Float32Array> } | { type: 'error'; id: number; message: string };

interface Pending {
  resolve: (out: Record<string, Float32Array>) => void;
  reject: (error: Error) => void;
}

/**
 * In an installed app the engine sits in app.asar, which a worker thread cannot start a script from: electron-builder
 * unpacks the worker and onnxruntime beside it (electron-builder.yml, asarUnpack) and the worker starts from there.
 */
export const workerFile = (engineUrl: string): URL => new URL(new URL('./model-worker.mjs', engineUrl).href.replace('/app.asar/', '/app.asar.unpacked/'));
const WORKER_FILE = workerFile(import.meta.url);

export async function openModelsInWorker<N extends ModelName>(names: readonly N[], options: SessionOptions & { background?: boolean } = {}): Promise<ModelGroup<N>> {
  const resolved = resolveModels(names, options.dir);
  const files = Object.fromEntries(names.map((n) => [n, resolved[n].file]));
  // No inherited Node flags: the worker needs none, and some break it (--input-type) or slow it (--import tsx).
  const worker = new Worker(WORKER_FILE, { workerData: { files, options: sessionOptions(options.threads, options.arena), background: options.background ?? false }, execArgv: [] });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped: Error | null = null;
  const failAll = (error: Error) => {
    // The first reason is the one to report: a release is followed by the worker's exit.
    stopped ??= error;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  };

  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: Reply) => (m.type === 'ready' ? resolve() : reject(new Error(`model worker: ${m.type === 'failed' ? m.message : 'unexpected first message'}`))));
    worker.once('error', reject);
  }).catch(async (error: Error) => {
    await worker.terminate();
    throw error;
  });
  worker.on('message', (m: Reply) => {
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.type === 'result') p?.resolve(m.out);
    else p?.reject(new Error(`model worker: ${m.message}`));
  });
  worker.on('error', (e) => failAll(new Error(`model worker failed: ${e.message}`)));
  worker.on('exit', (code) => failAll(new Error(`model worker exited (code ${code})`)));

  const remote = (name: N, entry: ManifestEntry): Model => {
    const inputSize = nhwcSize(entry);
    return {
      name,
      entry,
      inputSize,
      run(input, batch = 1, shape) {
        if (stopped) return Promise.reject(stopped);
        const id = nextId++;
        // A view into a larger buffer would detach memory the caller still uses: send that one as a copy.
        const data = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? input : input.slice();
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          const message = { id, model: name, input: entry.inputs[0]!.name, data, dims: shape ?? [batch, ...inputSize], outputs: entry.outputs.map((o) => o.name) };
          worker.postMessage(message, [data.buffer as ArrayBuffer]);
        });
      },
      // The worker owns the sessions; they go with it (WorkerModels.release).
      release: () => Promise.resolve(),
    };
  };
  const models = {} as Record<N, Model>;
  for (const name of names) models[name] = remote(name, resolved[name].entry);
  return {
    models,
    // Stops the worker; pending runs fail.
    async release() {
      failAll(new Error('model worker released'));
      await worker.terminate();
    },
  };
}
