/**
 * `vigil train temporal`: trains the temporal model on a folder of feature tables and writes model.onnx,
 * metadata.json and curves.png. `vigil train export`: writes reviewed sessions' frames as training CSV.
 */
import type { Command } from 'commander';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataSetDir, databasePath } from '../../engine/paths';
import { openStore } from '../../engine/storage/store';
import { DEFAULT_CONFIG, resolveColumns, type RecurrentKind, type TrainConfig } from '../../engine/temporal/config';
import type { FoldResult } from '../../engine/temporal/cross-validation';
import { loadDataSplit, loadTrainingFolder } from '../../engine/temporal/dataset';
import { TemporalDataError } from '../../engine/temporal/errors';
import { exportReviewedSessions } from '../../engine/temporal/retraining-export';
import { addReviewerLabel } from '../../engine/temporal/reviewer-labels';
import type { BinaryMetrics } from '../../engine/temporal/metrics';
import type { EpochRecord } from '../../engine/temporal/trainer';
import { trainGroup } from '../command-groups';
import { CliError, usageError } from '../errors';

function positiveInt(flag: string, fallback: number) {
  return (value: string | undefined): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw usageError(flag, `expected a positive whole number, got ${JSON.stringify(value)}`);
    return n;
  };
}

function epochLine(r: EpochRecord, max: number): string {
  const auc = r.valAuc === null ? 'n/a' : r.valAuc.toFixed(4);
  return `epoch ${String(r.epoch).padStart(String(max).length)}/${max}  loss ${r.loss.toFixed(4)}  val_loss ${r.valLoss.toFixed(4)}  val_auc ${auc}  lr ${r.learningRate.toExponential(1)}  ${r.seconds.toFixed(1)}s\n`;
}

function metricsLine(name: string, m: BinaryMetrics): string {
  const c = m.confusion;
  return `${name.padEnd(9)} auc ${m.auc === null ? 'n/a' : m.auc.toFixed(4)}  accuracy ${m.accuracy.toFixed(4)}  precision ${m.precision.toFixed(4)}  recall ${m.recall.toFixed(4)}  f1 ${m.f1.toFixed(4)}  [tn ${c.tn} fp ${c.fp} fn ${c.fn} tp ${c.tp}]\n`;
}

interface TemporalOptions {
  data?: string;
  out?: string;
  model: string;
  columns: string;
  epochs?: string;
  hidden?: string;
  seed?: string;
  monitor: string;
  classWeight: string;
  inputClip: string;
  cv?: string;
}

function inputClipOption(value: string): number | null {
  if (value === 'none') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw usageError('--input-clip', `expected a positive number of standard deviations or none, got ${JSON.stringify(value)}`);
  return n;
}

function foldsOption(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) throw usageError('--cv', `expected a whole number of folds, at least 2, got ${JSON.stringify(value)}`);
  return n;
}

async function trainTemporalCommand(options: TemporalOptions): Promise<void> {
  const folds = foldsOption(options.cv);
  if (!options.out && folds === null) throw usageError('--out', 'required: the folder to write model.onnx, metadata.json and curves.png into');
  if (options.model !== 'lstm' && options.model !== 'gru') throw usageError('--model', `expected lstm or gru, got ${JSON.stringify(options.model)}`);
  if (options.monitor !== 'loss' && options.monitor !== 'auc') throw usageError('--monitor', `expected loss or auc, got ${JSON.stringify(options.monitor)}`);
  if (options.classWeight !== 'none' && options.classWeight !== 'balanced') throw usageError('--class-weight', `expected none or balanced, got ${JSON.stringify(options.classWeight)}`);
  let columns;
  try {
    columns = resolveColumns(options.columns);
  } catch (error) {
    throw usageError('--columns', (error as Error).message);
  }
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    model: options.model as RecurrentKind,
    columns,
    maxEpochs: positiveInt('--epochs', DEFAULT_CONFIG.maxEpochs)(options.epochs),
    hidden: positiveInt('--hidden', DEFAULT_CONFIG.hidden)(options.hidden),
    seed: positiveInt('--seed', DEFAULT_CONFIG.seed)(options.seed),
    monitor: options.monitor,
    classWeight: options.classWeight,
    inputClip: inputClipOption(options.inputClip),
  };
  const columnSet = options.columns === 'all' || options.columns === 'live' ? options.columns : 'custom';
  // Without --data: the published feature tables in the evaluation data folder (VIGIL_DATA_DIR, ../shared/data).
  const dataDir = resolve(options.data ?? join(dataSetDir(), 'exam-features'));
  if (!options.data && !existsSync(dataDir)) throw new CliError(dataDir, 'no such folder: the evaluation data is missing (set VIGIL_DATA_DIR or pass --data <dir>)');
  if (folds !== null) return crossValidateCommand({ folds, config, dataDir, columnSet, outDir: options.out === undefined ? null : resolve(options.out) });
  const outDir = resolve(options.out!);

  // Nothing is written until training has finished, so stopping here leaves the output folder as it was.
  // Loaded here, not at the top: TensorFlow.js takes seconds to load and `label`/`export` do not need it.
  const [{ trainTemporal }, { buildMetadata, writeModelFolder }] = await Promise.all([import('../../engine/temporal/trainer'), import('../../engine/temporal/artifacts')]);
  const onInterrupt = () => {
    process.stderr.write('vigil: training interrupted; nothing was written\n');
    process.exit(130);
  };
  // `on`, not `once`: a second Ctrl-C while exiting must not fall back to the default (kill without a word).
  process.on('SIGINT', onInterrupt);
  try {
    const split = loadDataSplit(dataDir, columns);
    process.stderr.write(`training ${config.model.toUpperCase()} on ${split.train.length} training and ${split.test.length} test videos, ${columns.length} columns (${columnSet})\n`);
    const result = await trainTemporal({
      train: split.train,
      test: split.test,
      trainSource: split.trainDir,
      testSource: split.testDir,
      config,
      onEpoch: (record, max) => process.stderr.write(epochLine(record, max)),
    });
    const metadata = buildMetadata(result, { source: dataDir, columnSet });
    writeModelFolder(outDir, result, metadata);
    process.stdout.write(
      `trained in ${result.seconds.toFixed(1)} s (${result.cpuSeconds.toFixed(1)} s of CPU) on ${result.backend} (${result.history.length} epochs, best ${result.bestEpoch}); windows train ${result.windows.train}, validation ${result.windows.validation}, test ${result.windows.test}\n` +
        metricsLine('model', result.metrics.test) +
        metricsLine('baseline', result.baseline.test) +
        `(the baseline fitted on every training-video window, validation part included: test auc ${result.baselineAllTrain.test.auc?.toFixed(4) ?? 'n/a'})\n` +
        `live: ${metadata.live ? 'yes' : `no (unmapped columns: ${metadata.unmappedColumns.join(', ')})`}\n` +
        `wrote ${outDir}/model.onnx, metadata.json, curves.png\n`,
    );
  } catch (error) {
    if (error instanceof TemporalDataError) throw new CliError(error.thing, error.problem);
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

function foldLine(f: FoldResult, folds: number): string {
  const auc = (m: BinaryMetrics) => (m.auc === null ? 'n/a' : m.auc.toFixed(4));
  return `fold ${f.fold}/${folds}  windows train ${f.windows.train}, validation ${f.windows.validation} (${f.windows.validationPositive} cheating)  epochs ${f.epochs} (best ${f.bestEpoch})  validation auc: model ${auc(f.model)}, baseline ${auc(f.baseline)}  ${f.seconds.toFixed(1)}s\n`;
}

/**
 * `--cv k`: one network and one baseline per blocked time fold of the train/ videos. Only train/ is read, so the
 * figures it prints can choose a setting without the test set having any say.
 */
async function crossValidateCommand(run: { folds: number; config: TrainConfig; dataDir: string; columnSet: string; outDir: string | null }): Promise<void> {
  const { folds, config } = run;
  const [{ crossValidate }, { writeCrossValidationFile }] = await Promise.all([import('../../engine/temporal/cross-validation'), import('../../engine/temporal/artifacts')]);
  const onInterrupt = () => {
    process.stderr.write('vigil: cross-validation interrupted; nothing was written\n');
    process.exit(130);
  };
  process.on('SIGINT', onInterrupt);
  try {
    const { trainDir, train } = loadTrainingFolder(run.dataDir, config.columns);
    const header = `cross-validation of ${config.model.toUpperCase()} (seed ${config.seed}, monitor ${config.monitor}, class weight ${config.classWeight}): ${folds} blocked time folds of ${train.length} training videos, ${config.columns.length} columns (${run.columnSet}); test/ not loaded: the test set plays no part in these figures\n`;
    const result = await crossValidate({
      train,
      trainSource: trainDir,
      config,
      folds,
      onStart: () => process.stderr.write(header),
      onEpoch: (fold, record, max) => process.stderr.write(`fold ${fold}/${folds}  ${epochLine(record, max)}`),
      onFold: (f) => process.stderr.write(foldLine(f, folds)),
    });
    const written = run.outDir === null ? null : writeCrossValidationFile(run.outDir, result, { source: run.dataDir, columnSet: run.columnSet });
    process.stdout.write(
      header +
        result.folds.map((f) => foldLine(f, folds)).join('') +
        `mean validation auc over ${folds} folds: model ${result.meanAuc.model.toFixed(4)} (sd ${result.sdAuc.model.toFixed(4)}), baseline ${result.meanAuc.baseline.toFixed(4)} (sd ${result.sdAuc.baseline.toFixed(4)})\n` +
        `cross-validated in ${result.seconds.toFixed(1)} s (${result.cpuSeconds.toFixed(1)} s of CPU) on ${result.backend}\n` +
        (written === null ? '' : `wrote ${written}\n`),
    );
  } catch (error) {
    if (error instanceof TemporalDataError) throw new CliError(error.thing, error.problem);
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

function openExisting(db: string | undefined) {
  const path = resolve(db ?? databasePath());
  if (!existsSync(path)) throw new CliError(path, 'no such database');
  return openStore(path);
}

function exportCommand(options: { db?: string; out?: string }): void {
  if (!options.out) throw usageError('--out', 'required: the CSV file to write');
  const out = resolve(options.out);
  const store = openExisting(options.db);
  try {
    const summary = exportReviewedSessions(store);
    if (summary.frames === 0) throw new CliError(store.path, 'no reviewed frames to export (no reviewer labels cover any stored frame)');
    // Written beside and renamed, so a failed export never leaves a truncated CSV under the asked name.
    writeFileSync(`${out}.partial`, summary.csv);
    renameSync(`${out}.partial`, out);
    process.stdout.write(`wrote ${out}: ${summary.frames} frames (${summary.positive} cheating) from ${summary.sessions} reviewed session${summary.sessions === 1 ? '' : 's'}\n`);
  } catch (error) {
    if (error instanceof TemporalDataError) throw new CliError(error.thing, error.problem);
    throw error;
  } finally {
    store.close();
  }
}

function seconds(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0) throw usageError(flag, `expected seconds on the session clock, got ${JSON.stringify(value)}`);
  return n;
}

function labelCommand(options: { db?: string; session?: string; from?: string; to?: string; cheating?: string; reviewer?: string }): void {
  if (!options.session) throw usageError('--session', 'required: the session id');
  if (!options.reviewer) throw usageError('--reviewer', 'required: who gives this verdict');
  if (options.cheating !== '0' && options.cheating !== '1') throw usageError('--cheating', `expected 0 or 1, got ${JSON.stringify(options.cheating)}`);
  const start = seconds('--from', options.from);
  const end = seconds('--to', options.to);
  if (end < start) throw usageError('--to', `must not be before --from (${start})`);
  const store = openExisting(options.db);
  try {
    if (!store.sessions.get(options.session)) throw new CliError(options.session, `no such session in ${store.path}`);
    addReviewerLabel(store.db, { sessionId: options.session, start, end, cheating: options.cheating === '1', reviewer: options.reviewer });
    process.stdout.write(`labelled ${options.session} ${start}-${end} s as ${options.cheating === '1' ? 'cheating' : 'not cheating'}\n`);
  } finally {
    store.close();
  }
}

export function registerTrain(program: Command): void {
  const train = trainGroup(program);
  train
    .command('temporal')
    .description('train the temporal model on feature tables (a folder with train/ and test/ CSVs); writes model.onnx, metadata.json, curves.png')
    .option('--data <dir>', 'folder with train/ and test/ folders of feature CSVs (default: exam-features in the evaluation data folder)')
    .option('--out <dir>', 'output folder')
    .option('--model <kind>', 'lstm or gru', DEFAULT_CONFIG.model)
    .option('--columns <set>', "'all' (the 22 table columns), 'live' (only columns the engine measures) or a comma-separated list", 'all')
    .option('--epochs <n>', `at most this many epochs (default ${DEFAULT_CONFIG.maxEpochs})`)
    .option('--hidden <n>', `hidden units per layer (default ${DEFAULT_CONFIG.hidden})`)
    .option('--seed <n>', `random seed (default ${DEFAULT_CONFIG.seed})`)
    .option('--monitor <figure>', 'what early stopping, the best-weights snapshot and the learning-rate plateau watch on the validation windows: loss or auc', DEFAULT_CONFIG.monitor)
    .option('--class-weight <mode>', "none, or balanced (each class's windows carry half of the BCE)", DEFAULT_CONFIG.classWeight)
    .option('--input-clip <n>', 'clip scaled inputs to +-n standard deviations, or none', String(DEFAULT_CONFIG.inputClip ?? 'none'))
    .option('--cv <k>', 'instead of a model: k-fold cross-validation over time blocks of the train/ videos (test/ is not read); prints per-fold and mean validation AUC of the network and the baseline, and writes cv.json into --out if given')
    .action(trainTemporalCommand);
  train
    .command('label')
    .description("record a reviewer's verdict on a stretch of a stored session (what `train export` exports)")
    .option('--db <path>', 'database (default: VIGIL_DB or the data folder)')
    .option('--session <id>', 'session id')
    .option('--from <seconds>', 'start, seconds on the session clock')
    .option('--to <seconds>', 'end, seconds on the session clock')
    .option('--cheating <0|1>', '1 cheating, 0 not cheating')
    .option('--reviewer <name>', 'who gives this verdict')
    .action(labelCommand);
  train
    .command('export')
    .description('write reviewed sessions\' per-frame features with reviewer labels as a training CSV (the feature tables\' format)')
    .option('--db <path>', 'database (default: VIGIL_DB or the data folder)')
    .option('--out <csv>', 'CSV file to write')
    .action(exportCommand);
}
