import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, LIVE_COLUMNS, type TrainConfig } from './config';
import { crossValidate } from './cross-validation';
import { loadTrainingFolder } from './dataset';
import { syntheticCsv } from './synthetic';
import { windowsOfAll } from './windows';

// Small and quick, as in trainer.test.ts: a few units and epochs, a higher learning rate.
const small: TrainConfig = { ...DEFAULT_CONFIG, columns: LIVE_COLUMNS, hidden: 8, maxEpochs: 3, learningRate: 0.01 };

function trainOnlyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cv-'));
  mkdirSync(join(dir, 'train'));
  writeFileSync(join(dir, 'train', 'a.csv'), syntheticCsv([{ video: 'C', frames: 300, cheating: true }, { video: 'N', frames: 260, cheating: false }], { seed: 11 }));
  return dir;
}

describe('cross-validation', { timeout: 120_000 }, () => {
  it('trains one network and one baseline per fold on a folder with no test/, and averages their validation AUCs', async () => {
    const { trainDir, train } = loadTrainingFolder(trainOnlyFolder(), small.columns);
    const epochs: string[] = [];
    const result = await crossValidate({ train, trainSource: trainDir, config: small, folds: 3, onEpoch: (fold, r) => epochs.push(`${fold}.${r.epoch}`) });
    expect(epochs).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3']);
    expect(result.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    // Every window validates once: the folds' validation parts add up to all windows.
    expect(result.folds.reduce((n, f) => n + f.windows.validation, 0)).toBe(windowsOfAll(train, 15, 5).length);
    for (const f of result.folds) {
      expect(f.model.windows).toBe(f.windows.validation);
      expect(f.baseline.windows).toBe(f.windows.validation);
      expect(f.epochs).toBe(3);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(result.meanAuc.model).toBeCloseTo(mean(result.folds.map((f) => f.model.auc!)), 10);
    expect(result.meanAuc.baseline).toBeCloseTo(mean(result.folds.map((f) => f.baseline.auc!)), 10);
    // The synthetic recordings are separable: both models tell held-out windows apart.
    expect(result.meanAuc.baseline).toBeGreaterThan(0.9);
    expect(result.meanAuc.model).toBeGreaterThan(0.8);
  });

  it('refuses more folds than a video has time blocks, before training anything', async () => {
    const { trainDir, train } = loadTrainingFolder(trainOnlyFolder(), small.columns);
    let epochs = 0;
    await expect(crossValidate({ train, trainSource: trainDir, config: small, folds: 30, onEpoch: () => epochs++ })).rejects.toThrow(
      `${trainDir}: 30 folds need at least 30 time blocks in every video, but a.csv#N has 25 windows, so only 25 blocks`,
    );
    expect(epochs).toBe(0);
  });

  it('needs a train/ folder, and only that', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cv-'));
    expect(() => loadTrainingFolder(dir, small.columns)).toThrow(`${dir}: expected a train/ folder of feature CSVs; missing train/`);
  });
});
