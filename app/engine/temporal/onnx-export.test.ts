import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, LIVE_COLUMNS, type RecurrentKind } from './config';
import { loadDataSplit } from './dataset';
import { INPUT_NAME, OUTPUT_NAME, exportOnnx } from './onnx-export';
import { syntheticCsv } from './synthetic';
import { trainTemporal } from './trainer';

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-temporal-'));
  mkdirSync(join(dir, 'train'));
  mkdirSync(join(dir, 'test'));
  writeFileSync(join(dir, 'train', 'a.csv'), syntheticCsv([{ video: 'V1', frames: 160, cheating: true }, { video: 'V2', frames: 160, cheating: false }], { seed: 1 }));
  writeFileSync(join(dir, 'test', 'b.csv'), syntheticCsv([{ video: 'V1', frames: 80, cheating: true }, { video: 'V2', frames: 80, cheating: false }], { seed: 2 }));
  return dir;
}

async function runOnnx(bytes: Uint8Array, values: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', values, dims) });
    return out[OUTPUT_NAME]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('ONNX export', () => {
  it.each<RecurrentKind>(['lstm', 'gru'])('a trained %s gives the trainer\'s own predictions in onnxruntime-node, scaler included', async (model) => {
    const split = loadDataSplit(dataFolder(), LIVE_COLUMNS);
    const config = { ...DEFAULT_CONFIG, model, columns: LIVE_COLUMNS, hidden: 12, maxEpochs: 3 };
    const result = await trainTemporal({ train: split.train, test: split.test, trainSource: 'train', testSource: 'test', config });
    const bytes = exportOnnx(result.weights, result.scaler, { window: config.window, columns: config.columns });

    const n = result.testWindows.length;
    const raw = new Float32Array(n * config.window * config.columns.length);
    result.testWindows.forEach((w, i) => raw.set(w.values, i * w.values.length));
    const scores = await runOnnx(bytes, raw, [n, config.window, config.columns.length]);

    expect(scores.length).toBe(n);
    const worst = Math.max(...Array.from(scores, (s, i) => Math.abs(s - result.testScores[i]!)));
    expect(worst).toBeLessThan(1e-4);
    // Not a constant: the comparison would be empty if every window scored the same.
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(0.01);
  });

  it('clips scaled inputs in the graph exactly as the trainer did, for values far outside the training range', async () => {
    const split = loadDataSplit(dataFolder(), LIVE_COLUMNS);
    const config = { ...DEFAULT_CONFIG, columns: LIVE_COLUMNS, hidden: 8, maxEpochs: 2, inputClip: 2 };
    const result = await trainTemporal({ train: split.train, test: split.test, trainSource: 'train', testSource: 'test', config });
    expect(result.scaler.clip).toBe(2);
    const bytes = exportOnnx(result.weights, result.scaler, { window: config.window, columns: config.columns });
    const width = config.columns.length;
    const yaw = config.columns.indexOf('y_rotation');
    const at = (k: number) => {
      const values = Float32Array.from(result.testWindows[0]!.values);
      for (let s = 0; s < config.window; s++) values[s * width + yaw] = result.scaler.mean[yaw]! + k * result.scaler.std[yaw]!;
      return values;
    };
    // 2 and 50 standard deviations both reach the network as 2; 1 does not.
    const [two, fifty, one] = (await Promise.all([at(2), at(50), at(1)].map((v) => runOnnx(bytes, v, [1, config.window, width])))).map((s) => s[0]!);
    expect(fifty).toBeCloseTo(two!, 6);
    expect(Math.abs(one! - two!)).toBeGreaterThan(1e-6);
  });

  it('fills a missing (NaN) value with the training mean, as the trainer does', async () => {
    const split = loadDataSplit(dataFolder(), LIVE_COLUMNS);
    const config = { ...DEFAULT_CONFIG, columns: LIVE_COLUMNS, hidden: 8, maxEpochs: 1 };
    const result = await trainTemporal({ train: split.train, test: split.test, trainSource: 'train', testSource: 'test', config });
    const bytes = exportOnnx(result.weights, result.scaler, { window: config.window, columns: config.columns });
    const width = config.columns.length;
    const withMean = Float32Array.from(result.testWindows[0]!.values);
    const withNaN = Float32Array.from(withMean);
    const yaw = config.columns.indexOf('y_rotation');
    withMean[3 * width + yaw] = result.scaler.mean[yaw]!;
    withNaN[3 * width + yaw] = Number.NaN;
    const [a, b] = await Promise.all([runOnnx(bytes, withMean, [1, config.window, width]), runOnnx(bytes, withNaN, [1, config.window, width])]);
    expect(Number.isFinite(b[0]!)).toBe(true);
    expect(b[0]).toBeCloseTo(a[0]!, 6);
  });
});
