import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cropToTensor, letterbox, TO_UNIT } from './image-ops';
import { openGroups, openModelGroup, openModels, type Model, type ModelName } from './sessions';
import { sample } from './test-images';
import { openModelsInWorker, workerFile } from './worker-models';

const workers: { release(): Promise<void> }[] = [];
afterAll(async () => Promise.all(workers.map((w) => w.release())));

describe('models in a worker thread', () => {
  it('give the same outputs as the same models on the calling thread, for a real photo', async () => {
    const frame = await sample('screenshot-faceid.jpg');
    const local = await openModels(['antispoof', 'emotion']);
    const worker = await openModelsInWorker(['antispoof', 'emotion']);
    workers.push(worker);
    for (const name of ['antispoof', 'emotion'] as const) {
      const [h, w, c] = local[name].inputSize;
      const input = c === 1 ? new Float32Array(h * w).map((_, i) => (i % 17) / 17) : cropToTensor(frame, letterbox(frame), w, h, TO_UNIT);
      const here = await local[name].run(input.slice());
      const there = await worker.models[name].run(input.slice());
      for (const [out, values] of Object.entries(here)) expect(Array.from(there[out]!)).toEqual(Array.from(values));
      await local[name].release();
    }
  });

  it('answers runs handed in together, each with its own result', async () => {
    const worker = await openModelsInWorker(['liveness']);
    workers.push(worker);
    const model = worker.models.liveness;
    const inputs = [0.1, 0.5, 0.9].map((v) => new Float32Array(32 * 32 * 3).fill(v));
    const together = await Promise.all(inputs.map((i) => model.run(i.slice())));
    for (const [k, input] of inputs.entries()) expect(together[k]).toEqual(await model.run(input.slice()));
  });

  it.runIf(process.platform === 'linux')('runs background models on a thread of lower priority, and only that thread', async () => {
    // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value; the fields before it hold no spaces after ')'.
    const niceOfThreads = () =>
      readdirSync('/proc/self/task').flatMap((tid) => {
        try {
          return [Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16])];
        } catch {
          return []; // a thread that ended while we looked
        }
      });
    // Relative to the process's own nice value, so the spec holds when the tests themselves run niced.
    const base = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[16]);
    const lowered = Math.min(19, base + 10);
    const others = () => niceOfThreads().filter((n) => n !== base).length;
    const before = others();
    const foreground = await openModelsInWorker(['liveness']);
    workers.push(foreground);
    expect(others()).toBe(before);
    const background = await openModelsInWorker(['liveness'], { background: true });
    expect(niceOfThreads().filter((n) => n === lowered).length).toBeGreaterThanOrEqual(1);
    expect(others()).toBe(before + 1);
    await background.release();
    expect(others()).toBe(before);
  });

  it('refuses a run after release with an error naming the worker', async () => {
    const worker = await openModelsInWorker(['liveness']);
    await worker.release();
    await expect(worker.models.liveness.run(new Float32Array(32 * 32 * 3))).rejects.toThrow(/model worker released/);
  });

  it('sends a copy when the input is a view into a larger buffer, leaving the caller its memory', async () => {
    const worker = await openModelsInWorker(['liveness']);
    workers.push(worker);
    const big = new Float32Array(32 * 32 * 3 * 2).fill(0.5);
    const view = big.subarray(32 * 32 * 3);
    await worker.models.liveness.run(view);
    expect(big.length).toBe(32 * 32 * 3 * 2);
    expect(big[0]).toBe(0.5);
  });
});

describe('opening model groups side by side', () => {
  it('releases the groups that opened when another fails, and passes on its error', async () => {
    let opened: Model | undefined;
    const worker = openModelsInWorker(['liveness']).then((g) => ((opened = g.models.liveness), g));
    const missing = openModelGroup(['no-such-model' as ModelName]);
    await expect(openGroups([worker, missing])).rejects.toThrow(/model no-such-model is not in .*manifest\.json/);
    await expect(opened!.run(new Float32Array(32 * 32 * 3))).rejects.toThrow(/model worker released/);
  });
});

describe('where the worker script is', () => {
  it('sits beside the engine, and outside the asar archive in an installed app', () => {
    expect(workerFile('file:///work/vigil/dist/engine.mjs').href).toBe('file:///work/vigil/dist/model-worker.mjs');
    expect(workerFile('file:///opt/Vigil/resources/app.asar/dist/engine.mjs').href).toBe('file:///opt/Vigil/resources/app.asar.unpacked/dist/model-worker.mjs');
  });
});
