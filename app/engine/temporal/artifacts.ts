/**
 * Writes a trained model's folder: model.onnx, metadata.json and curves.png. Each file is written into a
 * staging folder inside the output folder and renamed into place only once all three exist, and nothing is
 * written before training has finished, so an interrupted run never leaves a half-written model where the
 * scorer would load it. Also `cv.json`, the figures of a cross-validation run.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unmappedIn } from './config';
import { curvesPng } from './curves';
import type { TemporalMetadata } from './metadata';
import { CROSS_VALIDATION_FILE, CURVES_FILE, METADATA_FILE, MODEL_FILE } from './model-files';
import { INPUT_NAME, OPSET, OUTPUT_NAME, exportOnnx } from './onnx-export';
import type { CrossValidationResult } from './cross-validation';
import type { TrainResult } from './trainer';


export const DATA_NOTE =
  'Every row of a video carries the same label (the tables label whole recordings, not moments), so the test figures say how well windows are told apart between a cheating and a non-cheating recording, not whether the model finds the moment of cheating.';

export function buildMetadata(result: TrainResult, info: { source: string; columnSet: string; createdAt?: Date }): TemporalMetadata {
  const { columns, ...config } = result.config;
  const unmapped = unmappedIn(columns);
  return {
    format: 'vigil-temporal/1',
    createdAt: (info.createdAt ?? new Date()).toISOString(),
    model: { file: MODEL_FILE, input: INPUT_NAME, output: OUTPUT_NAME, opset: OPSET },
    config,
    columns: [...columns],
    columnSet: info.columnSet,
    live: unmapped.length === 0,
    unmappedColumns: unmapped,
    scaler: { mean: [...result.scaler.mean], std: [...result.scaler.std], clip: result.scaler.clip ?? null },
    data: {
      source: info.source,
      trainVideos: [...result.videos.train],
      testVideos: [...result.videos.test],
      windows: result.windows,
      split: `train/ videos, in time blocks of 5 windows: 1 block in ${Math.round(1 / result.config.validationFraction)} validates, the rest train (windows beside a validation block dropped); test/ videos: test`,
      note: DATA_NOTE,
    },
    training: {
      backend: result.backend,
      seconds: Math.round(result.seconds * 10) / 10,
      cpuSeconds: Math.round(result.cpuSeconds * 10) / 10,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      history: [...result.history],
    },
    metrics: result.metrics,
    baseline: {
      description: "logistic regression on each window's per-column means (scaled), L2 with C = 1, fitted on the network's training windows",
      ...result.baseline,
      allTrain: { description: 'the same, fitted on every window of the training videos (validation part included, scaler refitted on them)', test: result.baselineAllTrain.test },
    },
  };
}

export function writeModelFolder(outDir: string, result: TrainResult, metadata: TemporalMetadata): void {
  const onnx = exportOnnx(result.weights, result.scaler, {
    window: result.config.window,
    columns: result.config.columns,
    properties: { threshold: String(result.config.threshold), overlap: String(result.config.overlap), live: String(metadata.live) },
  });
  const png = curvesPng(result.history, `temporal ${result.config.model.toUpperCase()} (${metadata.columnSet} columns): test AUC ${metadata.metrics.test.auc?.toFixed(3) ?? 'n/a'}`, result.bestEpoch);
  mkdirSync(outDir, { recursive: true });
  const staging = mkdtempSync(join(outDir, '.partial-'));
  try {
    writeFileSync(join(staging, MODEL_FILE), onnx);
    writeFileSync(join(staging, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
    writeFileSync(join(staging, CURVES_FILE), png);
    // The model last: a reader that sees model.onnx sees the metadata written for it.
    for (const file of [CURVES_FILE, METADATA_FILE, MODEL_FILE]) renameSync(join(staging, file), join(outDir, file));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** `cv.json`: a cross-validation run's settings, per-fold and mean validation figures; written beside and renamed into place. */
export function writeCrossValidationFile(outDir: string, result: CrossValidationResult, info: { source: string; columnSet: string; createdAt?: Date }): string {
  const { columns, ...config } = result.config;
  const report = {
    format: 'vigil-temporal-cv/1',
    createdAt: (info.createdAt ?? new Date()).toISOString(),
    config,
    columns: [...columns],
    columnSet: info.columnSet,
    data: {
      source: info.source,
      trainVideos: [...result.videos],
      testSet: 'not loaded: cross-validation uses the train/ videos only',
      split: `blocked ${result.folds.length}-fold in time: each train/ video's windows in blocks of up to 5, fold f holds out the blocks with index % ${result.folds.length} === f (windows beside a held-out block dropped from training)`,
      note: DATA_NOTE,
    },
    meanValidationAuc: result.meanAuc,
    sdValidationAuc: result.sdAuc,
    folds: result.folds,
    training: { backend: result.backend, seconds: Math.round(result.seconds * 10) / 10, cpuSeconds: Math.round(result.cpuSeconds * 10) / 10 },
  };
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, CROSS_VALIDATION_FILE);
  writeFileSync(`${path}.partial`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${path}.partial`, path);
  return path;
}
