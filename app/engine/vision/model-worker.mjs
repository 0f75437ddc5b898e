// A worker thread that owns onnxruntime sessions and runs them on request, so the slower models (objects,
// face attributes) use the second core while the main thread keeps the face path. Plain JavaScript on purpose:
// worker threads do not inherit the TypeScript loader, and the bundle copies this file beside the engine as is.
// Messages are the host's own (worker-models.ts), never untrusted input.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

/** @type {{ files: Record<string, string>, options: import('onnxruntime-node').InferenceSession.SessionOptions, background?: boolean }} */
const { files, options, background } = workerData;

/** @type {Map<string, ort.InferenceSession>} */
const sessions = new Map();

try {
  for (const [name, file] of Object.entries(files)) sessions.set(name, await ort.InferenceSession.create(file, options));
  if (background) lowerThisThreadsPriority();
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

/**
 * Why: background models must not take the core the face path needs. Only once they are loaded: until then they are
 * what the first frames wait for, and at nice 10 the loading got a tenth of a core beside ffmpeg and the face models
 * (both gaze clips analysed end to end, interleaved: 4.21 / 4.22 / 3.96x before, 4.48 / 4.47 / 4.37x after).
 * Linux schedules threads on their own, so this thread alone (its id from /proc/thread-self) gets the lower
 * priority; elsewhere setPriority would slow the whole process, so there it stays as it is. onnxruntime runs on this
 * thread (one intra-op thread, no pool).
 */
function lowerThisThreadsPriority() {
  if (process.platform !== 'linux') return;
  try {
    // Ten steps below the thread's own priority, not nice 10: a process already started niced (a CI job, `nice npm
    // test`) would otherwise have this thread raised above the face path instead of lowered beneath it.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, Math.min(19, getPriority(tid) + 10));
  } catch {
    // A container may forbid it; running at normal priority is still correct.
  }
}

parentPort.on('message', async (/** @type {{ id: number, model: string, input: string, data: Float32Array, dims: number[], outputs: string[] }} */ m) => {
  try {
    const session = sessions.get(m.model);
    if (!session) throw new Error(`model ${m.model} is not open in the worker`);
    const result = await session.run({ [m.input]: new ort.Tensor('float32', m.data, m.dims) });
    /** @type {Record<string, Float32Array>} */
    const out = {};
    /** @type {Set<ArrayBuffer>} */
    const moved = new Set();
    for (const name of m.outputs) {
      const data = /** @type {Float32Array} */ (result[name].data);
      // onnxruntime-node hands each output in an ArrayBuffer of its own, which moves to the host as is (CenterNet's
      // heatmap is 5 MB); anything else (a view into a larger or shared buffer) is copied first.
      const own = data.byteOffset === 0 && data.buffer.byteLength === data.byteLength && !moved.has(data.buffer);
      out[name] = own ? data : data.slice();
      moved.add(out[name].buffer);
    }
    parentPort.postMessage({ type: 'result', id: m.id, out }, [...moved]);
  } catch (error) {
    parentPort.postMessage({ type: 'error', id: m.id, message: error instanceof Error ? error.message : String(error) });
  }
});
