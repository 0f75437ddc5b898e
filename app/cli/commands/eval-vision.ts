/**
 * `vigil eval vision`: face counts, head pose and gaze, gaze-video segments, anti-spoof APCER/BPCER and object
 * precision/recall on ../shared/data (see app/engine/vision/README.md). Last stdout line: one JSON object.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dataSetDir } from '../../engine/paths';
import { evaluateVision } from '../../engine/vision/eval';
import { evalGroup } from '../command-groups';
import { runOnEvaluationData } from '../evaluation-run';

export function registerEvalVision(program: Command): void {
  evalGroup(program)
    .command('vision')
    .description('face counts, head yaw and gaze (exam-frames, gaze-video), anti-spoof APCER/BPCER, objects (P/R at the policy threshold, AP, ECE, person counts; CenterNet and NanoDet), identity (EER, TAR at FAR 1 % and 0.1 %)')
    .option('--json', 'print only the JSON object')
    .option('--data <dir>', 'evaluation data folder (default: VIGIL_DATA_DIR or ../shared/data); any subset of its folders, the others skipped')
    .action(async (options: { json?: boolean; data?: string }) => {
      const dir = options.data ? resolve(options.data) : dataSetDir();
      const result = await runOnEvaluationData('eval vision', (progress) => evaluateVision(dir, progress));
      if (!options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
