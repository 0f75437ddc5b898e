/**
 * Blocked k-fold cross-validation inside the training videos: one network per fold (the same config and the
 * same training loop as the model command) and the logistic baseline on the same fold, both measured on the
 * fold's held-out windows. Takes training videos only: it never sees a test set, so choosing a setting by its
 * figures cannot be choosing on the test set.
 */
import { baselineFigures } from './baseline';
import type { TrainConfig } from './config';
import type { FeatureVideo } from './csv';
import { TemporalDataError } from './errors';
import { binaryMetrics, type BinaryMetrics } from './metrics';
import { readyBackend } from './tf-backend';
import { blockedFolds, countLabels, windowsOfAll, type TimeFold } from './windows';
import { cpuSecondsSince, fitNetwork, requireBothClasses, requireWindows, type EpochRecord } from './trainer';

export interface CrossValidationInput {
  readonly train: readonly FeatureVideo[];
  /** Name used in error messages (the folder the videos came from). */
  readonly trainSource: string;
  readonly config: TrainConfig;
  readonly folds: number;
  /** `fold` counts from 1. */
  readonly onEpoch?: (fold: number, record: EpochRecord, maxEpochs: number) => void;
  readonly onFold?: (fold: FoldResult) => void;
  /** Called once the folds are known to be usable, before any training. */
  readonly onStart?: () => void;
}

export interface FoldResult {
  /** 1-based. */
  readonly fold: number;
  readonly windows: { readonly train: number; readonly validation: number; readonly validationPositive: number };
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly seconds: number;
  /** The restored (best-epoch) network on the fold's held-out windows. */
  readonly model: BinaryMetrics;
  /** Logistic regression on window means, fitted on the fold's training windows. */
  readonly baseline: BinaryMetrics;
}

export interface CrossValidationResult {
  readonly config: TrainConfig;
  readonly folds: readonly FoldResult[];
  /** Mean over folds of each fold's validation AUC. */
  readonly meanAuc: { readonly model: number; readonly baseline: number };
  /** Sample standard deviation over folds of the validation AUC. */
  readonly sdAuc: { readonly model: number; readonly baseline: number };
  readonly backend: string;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly videos: readonly string[];
}

function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}

export async function crossValidate(input: CrossValidationInput): Promise<CrossValidationResult> {
  const { config } = input;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const all = windowsOfAll(input.train, config.window, config.overlap);
  requireWindows(all, input.train, input.trainSource, config.window);
  let folds: TimeFold[];
  try {
    folds = blockedFolds(all, input.folds);
  } catch (error) {
    if (error instanceof RangeError) throw new TemporalDataError(input.trainSource, error.message);
    throw error;
  }
  // Every fold is checked before any trains: a bad fold found after minutes of training would waste them.
  folds.forEach((f, i) => {
    requireBothClasses(f.train, input.trainSource, `training part of fold ${i + 1}`);
    requireBothClasses(f.validation, input.trainSource, `validation part of fold ${i + 1}`);
  });
  input.onStart?.();
  const backend = await readyBackend();
  const shape = { steps: config.window, width: config.columns.length, threshold: config.threshold };

  const results: FoldResult[] = [];
  for (const [i, { train, validation }] of folds.entries()) {
    const foldStart = performance.now();
    const fit = await fitNetwork({ train, validation, config, onEpoch: (record, max) => input.onEpoch?.(i + 1, record, max) });
    const baseline = baselineFigures(fit.trainSet, { validation: fit.valSet }, shape).validation;
    const result: FoldResult = {
      fold: i + 1,
      windows: { train: train.length, validation: validation.length, validationPositive: countLabels(validation).positive },
      epochs: fit.history.length,
      bestEpoch: fit.bestEpoch,
      seconds: (performance.now() - foldStart) / 1000,
      model: binaryMetrics(fit.valScores, fit.valSet.y, config.threshold),
      baseline,
    };
    results.push(result);
    input.onFold?.(result);
  }
  // Both classes are in every validation part (checked above), so every AUC is a number.
  const model = meanAndSd(results.map((r) => r.model.auc!));
  const base = meanAndSd(results.map((r) => r.baseline.auc!));
  return {
    config,
    folds: results,
    meanAuc: { model: model.mean, baseline: base.mean },
    sdAuc: { model: model.sd, baseline: base.sd },
    backend,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpuStart),
    videos: input.train.map((v) => v.id),
  };
}
