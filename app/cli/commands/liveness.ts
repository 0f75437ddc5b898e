/**
 * Temporal liveness (app/engine/liveness): `vigil train liveness`, `vigil eval liveness`, `vigil bench liveness`.
 * The eval and bench commands print their figures as one JSON object on the last stdout line.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LivenessDataError } from '../../engine/liveness/dataset';
import { benchLiveness } from '../../engine/liveness/bench';
import { LivenessModelError } from '../../engine/liveness/model';
import { MissingDataError } from '../../engine/data-sets';
import { dataSetDir } from '../../engine/paths';
import { benchGroup, evalGroup, trainGroup } from '../command-groups';
import { CliError, usageError, wholeNumberOption } from '../errors';
import { runOnEvaluationData } from '../evaluation-run';
import { startProgress } from '../progress';

/** The engine's data errors as the CLI's one line. */
async function asCliErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LivenessDataError || error instanceof LivenessModelError) throw new CliError(error.thing, error.problem);
    if (error instanceof MissingDataError) throw new CliError('liveness data', error.message);
    throw error;
  }
}

/** `--data DIR` holds liveness-seq/ (the eval's layout); the trainer also accepts the liveness-seq folder itself. */
function sequenceFolder(data: string): string {
  return existsSync(join(data, 'index.csv')) ? data : join(data, 'liveness-seq');
}

export function registerLiveness(program: Command): void {
  trainGroup(program)
    .command('liveness')
    .description('train the temporal liveness transformer on liveness-seq (two subjects validate) and write model.onnx, metadata.json, curves.png')
    .option('--out <dir>', 'output folder')
    .option('--data <dir>', 'folder holding liveness-seq/ (or the liveness-seq folder itself; default: the evaluation data folder)')
    .option('--seed <n>', 'random seed', '42')
    .option('--epochs <n>', 'at most this many epochs')
    .action(async (options: { out?: string; data?: string; seed: string; epochs?: string }) => {
      if (!options.out) throw usageError('--out', 'required: the folder to write model.onnx, metadata.json and curves.png into');
      const seed = wholeNumberOption('--seed', options.seed, 0, 2 ** 31 - 1);
      const epochs = options.epochs === undefined ? undefined : wholeNumberOption('--epochs', options.epochs, 1, 10_000);
      const data = sequenceFolder(resolve(options.data ?? dataSetDir()));
      // Loaded here, not at the top: training pulls in TensorFlow.js (about 110 MB), which every other vigil command,
      // `vigil bench vision`'s RSS among them, would otherwise carry (cli.test.ts checks it stays out).
      const { trainFromFolder } = await import('../../engine/liveness/training-run');
      const bar = startProgress('train liveness: evidence', 1);
      const trained = await asCliErrors(() =>
        trainFromFolder({
          data,
          out: resolve(options.out!),
          seed,
          epochs,
          onProgress: (d, t, s) => {
            bar.setTotal(t);
            bar.update(d, s);
          },
          onEpoch: (r, max) => {
            if (r.epoch === 1) bar.stop();
            process.stderr.write(`epoch ${r.epoch}/${max}  loss ${r.loss.toFixed(4)}  val_loss ${r.valLoss.toFixed(4)}  val_auc ${r.valAuc === null ? 'n/a' : r.valAuc.toFixed(4)}  ${r.seconds.toFixed(1)}s\n`);
          },
        }),
      ).finally(() => bar.stop());
      const m = trained.metadata;
      process.stdout.write(`trained on ${m.trainedOn.subjects.join(' ')}; validated on ${m.trainedOn.validationSubjects.join(' ')}: best epoch ${m.training.bestEpoch} of ${m.training.epochs}, validation window AUC ${m.validation.auc}, sequence AUC ${m.validation.sequenceAuc}, threshold ${m.threshold.toFixed(4)}\n`);
      process.stdout.write(`onnx ${trained.onnxBytes} bytes, parity ${m.parity?.toExponential(2)}; evidence ${trained.evidenceSeconds.toFixed(0)} s, training ${m.training.wallSeconds} s (${m.training.cpuSeconds} s CPU), total ${trained.totalSeconds.toFixed(0)} s, load ${m.training.load}\n`);
      process.stdout.write(`${JSON.stringify({ out: resolve(options.out), ...m, onnxBytes: trained.onnxBytes, evidenceSeconds: Math.round(trained.evidenceSeconds), totalSeconds: Math.round(trained.totalSeconds) })}\n`);
    });

  evalGroup(program)
    .command('liveness')
    .description('temporal liveness per sequence and per window, split by subject (cross-validation on subjects the shipped model saw); replay videos apart')
    .option('--json', 'print only the JSON object')
    .option('--data <dir>', 'folder holding liveness-seq/ (and optionally spoof-replay/, gaze-video/); default: the evaluation data folder')
    .option('--folds <k>', 'subject folds for cross-validation (default 3; as many as subjects = leave one subject out)')
    .option('--model <dir>', 'liveness model folder (default: the shipped one)')
    .action(async (options: { json?: boolean; data?: string; folds?: string; model?: string }) => {
      const folds = options.folds === undefined ? undefined : wholeNumberOption('--folds', options.folds, 2, 1000);
      const data = resolve(options.data ?? dataSetDir());
      // The evaluation trains per fold: TensorFlow.js too (see train liveness above).
      const { evaluateLiveness } = await import('../../engine/liveness/eval');
      const result = await asCliErrors(() => runOnEvaluationData('eval liveness', (progress) => evaluateLiveness(data, { folds, modelDir: options.model ? resolve(options.model) : undefined }, progress)));
      if (!options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });

  benchGroup(program)
    .command('liveness')
    .description('ms per frame of the liveness evidence and transformer on one thread, beside the per-frame anti-spoof CNN, on liveness-seq frames')
    .option('--json', 'print only the JSON object')
    .option('--frames <n>', 'frames to time', '60')
    .action(async (options: { json?: boolean; frames: string }) => {
      const frames = wholeNumberOption('--frames', options.frames, 12, 2000);
      const result = await asCliErrors(() => runOnEvaluationData('bench liveness', (progress) => benchLiveness(dataSetDir(), frames, progress)));
      if (!options.json) process.stdout.write(`liveness: evidence ${result.evidenceMsMedian} ms + transformer ${result.transformerMsPerEvidenceFrame} ms per evidence frame; anti-spoof CNN ${result.antispoofMsMedian} ms; ${result.addedMsPerCameraFrameAt12Fps} ms per camera frame at 12 fps\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
