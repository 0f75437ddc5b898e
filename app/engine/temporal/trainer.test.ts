import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, LIVE_COLUMNS, type TrainConfig } from './config';
import { loadDataSplit } from './dataset';
import { syntheticCsv, type SyntheticVideo } from './synthetic';
import { classWeights, trainTemporal } from './trainer';

function dataFolder(train: SyntheticVideo[], test: SyntheticVideo[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-temporal-'));
  mkdirSync(join(dir, 'train'));
  mkdirSync(join(dir, 'test'));
  writeFileSync(join(dir, 'train', 'train.csv'), syntheticCsv(train, { seed: 3 }));
  writeFileSync(join(dir, 'test', 'test.csv'), syntheticCsv(test, { seed: 4 }));
  return dir;
}

// Small and quick: a few units, a higher learning rate than the real 1e-3 so a few epochs suffice.
const small: TrainConfig = { ...DEFAULT_CONFIG, columns: LIVE_COLUMNS, hidden: 8, maxEpochs: 10, learningRate: 0.01 };

async function train(dir: string, config: TrainConfig = small) {
  const split = loadDataSplit(dir, config.columns);
  return trainTemporal({ train: split.train, test: split.test, trainSource: split.trainDir, testSource: split.testDir, config });
}

describe('temporal trainer', () => {
  it('learns separable sequences: loss falls and the test windows are told apart', async () => {
    const dir = dataFolder(
      [{ video: 'C1', frames: 300, cheating: true }, { video: 'N1', frames: 300, cheating: false }],
      [{ video: 'C2', frames: 120, cheating: true }, { video: 'N2', frames: 120, cheating: false }],
    );
    const epochs: number[] = [];
    const split = loadDataSplit(dir, small.columns);
    const result = await trainTemporal({ train: split.train, test: split.test, trainSource: 'train', testSource: 'test', config: small, onEpoch: (r) => epochs.push(r.epoch) });
    expect(epochs).toEqual(result.history.map((r) => r.epoch));
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    expect(result.metrics.test.auc).toBeGreaterThan(0.95);
    expect(result.baseline.test.auc).toBeGreaterThan(0.9);
    expect(result.windows).toEqual({ train: expect.any(Number), validation: expect.any(Number), test: 22 });
    expect(result.metrics.test.confusion.tp + result.metrics.test.confusion.fn).toBe(11);
  });

  it('is reproducible: the same seed gives the same weights', async () => {
    const dir = dataFolder([{ video: 'C', frames: 200, cheating: true }, { video: 'N', frames: 200, cheating: false }], [{ video: 'C', frames: 60, cheating: true }, { video: 'N', frames: 60, cheating: false }]);
    const config = { ...small, maxEpochs: 2 };
    const [a, b] = [await train(dir, config), await train(dir, config)];
    expect(Array.from(a.testScores)).toEqual(Array.from(b.testScores));
  });

  it('stops early once validation loss has not improved for the patience, keeping the best epoch', async () => {
    // Nothing to learn: both training videos behave alike (a candidate facing the screen) and one is labelled
    // cheating, so the validation loss (held-out time blocks of the same videos) soon stops falling. 40 epochs
    // are allowed; with a patience of 2 the run ends 2 epochs after its best (epoch 9 of 40 with this seed).
    const dir = dataFolder([{ video: 'C', frames: 260, cheating: false }, { video: 'N', frames: 260, cheating: false }], [{ video: 'C', frames: 60, cheating: true }, { video: 'N', frames: 60, cheating: false }]);
    const table = join(dir, 'train', 'train.csv');
    writeFileSync(table, readFileSync(table, 'utf8').replaceAll(',Train,C,0\n', ',Train,C,1\n'));
    const patience = 2;
    const result = await train(dir, { ...small, maxEpochs: 40, earlyStoppingPatience: patience, learningRate: 0.05, monitor: 'loss' });
    const losses = result.history.map((r) => r.valLoss);
    expect(result.history.length).toBeLessThan(40);
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBe(result.bestEpoch + patience);
    expect(losses[result.bestEpoch - 1]).toBe(Math.min(...losses));
    // The epochs after the best are the ones that did not improve on it.
    for (const after of losses.slice(result.bestEpoch)) expect(after).toBeGreaterThanOrEqual(losses[result.bestEpoch - 1]!);
  });

  it('runs every epoch when the patience is longer than the run', async () => {
    const dir = dataFolder([{ video: 'C', frames: 200, cheating: true }, { video: 'N', frames: 200, cheating: false }], [{ video: 'C', frames: 60, cheating: true }, { video: 'N', frames: 60, cheating: false }]);
    const result = await train(dir, { ...small, maxEpochs: 3, earlyStoppingPatience: 5 });
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(result.stoppedEarly).toBe(false);
  });

  it('with monitor auc, keeps the epoch of the highest validation AUC, the lower validation loss among equal AUCs', async () => {
    const dir = dataFolder([{ video: 'C', frames: 260, cheating: true }, { video: 'N', frames: 260, cheating: false }], [{ video: 'C', frames: 60, cheating: true }, { video: 'N', frames: 60, cheating: false }]);
    const result = await train(dir, { ...small, maxEpochs: 6, monitor: 'auc' });
    const bestAuc = Math.max(...result.history.map((r) => r.valAuc ?? 0));
    // Among the epochs with the best AUC, the lowest validation loss.
    const lowestLoss = Math.min(...result.history.filter((r) => r.valAuc === bestAuc).map((r) => r.valLoss));
    expect(result.history.find((r) => r.epoch === result.bestEpoch)).toMatchObject({ valAuc: bestAuc, valLoss: lowestLoss });
    expect(result.metrics.validation.auc).toBeCloseTo(bestAuc, 6);
  });

  it('weighs classes as scikit-learn\'s "balanced": each class carries half of the total weight', () => {
    const labels = Float32Array.from([1, 1, 1, 0]);
    const weights = Array.from(classWeights(labels, 'balanced'));
    [4 / 6, 4 / 6, 4 / 6, 2].forEach((w, i) => expect(weights[i]).toBeCloseTo(w, 6));
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(labels.length, 5);
    expect(Array.from(classWeights(labels, 'none'))).toEqual([1, 1, 1, 1]);
  });

  it('refuses data with too few rows for one window', async () => {
    const dir = dataFolder([{ video: 'C', frames: 14, cheating: true }, { video: 'N', frames: 10, cheating: false }], [{ video: 'C', frames: 40, cheating: true }]);
    await expect(train(dir)).rejects.toThrow(/train: too few rows for one window: a window needs 15 frames of one video, the longest video here has 14/);
  });

  it('refuses a single-class training split, and a single-class test set', async () => {
    const oneClass = dataFolder([{ video: 'C', frames: 300, cheating: true }, { video: 'D', frames: 300, cheating: true }], [{ video: 'C', frames: 60, cheating: true }, { video: 'N', frames: 60, cheating: false }]);
    await expect(train(oneClass)).rejects.toThrow(/train: single-class training split: all \d+ windows are cheating \(1\)/);
    const oneClassTest = dataFolder([{ video: 'C', frames: 300, cheating: true }, { video: 'N', frames: 300, cheating: false }], [{ video: 'N', frames: 60, cheating: false }]);
    await expect(train(oneClassTest)).rejects.toThrow(/test: single-class test set: all 5 windows are not cheating \(0\)/);
  });

  it('needs train/ and test/ folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-temporal-'));
    mkdirSync(join(dir, 'train'));
    expect(() => loadDataSplit(dir, small.columns)).toThrow(`${dir}: expected train/ and test/ folders of feature CSVs; missing test/`);
  });
});
