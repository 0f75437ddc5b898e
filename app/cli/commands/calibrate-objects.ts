/**
 * `vigil calibrate objects [--data DIR] [--model centernet|nanodet|movenet-multipose|fused]`: fits the object detector's confidence
 * calibration on the development images of objects/ (app/engine/vision/objects-split.json) and writes
 * models/calibration/<model>.json, which `npm run models` copies into the model's manifest entry. The held-out
 * images are never read here. Last stdout line: the calibration as one JSON object.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dataSetDir } from '../../engine/paths';
import { OBJECT_MODELS, fitObjectCalibrationOnDevelopment, fitObjectFusionOnDevelopment, type ObjectModel } from '../../engine/vision/object-eval';
import { CliError } from '../errors';
import { runOnEvaluationData } from '../evaluation-run';

export function registerCalibrateObjects(program: Command): void {
  const group = program.commands.find((c) => c.name() === 'calibrate') ?? program.command('calibrate').description('fit a detector\'s confidence calibration on the development data');
  group
    .command('objects')
    .description('Platt scaling per class for the object detector, fitted on the development images only')
    .option('--data <dir>', 'evaluation data folder holding objects/ (default: VIGIL_DATA_DIR or ../shared/data)')
    .option('--model <name>', 'centernet, nanodet, movenet-multipose (people), or fused (centernet + nanodet, the live detector: models/calibration/fusion.json)', 'centernet')
    .action(async (options: { data?: string; model: string }) => {
      if (![...OBJECT_MODELS, 'fused'].includes(options.model)) throw new CliError('--model', `${options.model} is not ${OBJECT_MODELS.join(', ')} or fused`);
      const dir = options.data ? resolve(options.data) : dataSetDir();
      if (options.model === 'fused') {
        const { fusion, path } = await runOnEvaluationData('calibrate objects', (progress) => fitObjectFusionOnDevelopment(dir, progress));
        process.stderr.write(`vigil: wrote ${path}\n`);
        process.stdout.write(`${JSON.stringify(fusion)}\n`);
        return;
      }
      const { calibration, path } = await runOnEvaluationData('calibrate objects', (progress) => fitObjectCalibrationOnDevelopment(dir, options.model as ObjectModel, progress));
      process.stderr.write(`vigil: wrote ${path}\n`);
      process.stdout.write(`${JSON.stringify(calibration)}\n`);
    });
}
