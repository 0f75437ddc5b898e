/**
 * `vigil eval vision`: face counts, head pose and gaze, gaze-video segments, anti-spoof APCER/BPCER and object
 * precision/recall on ../shared/data (see app/engine/vision/README.md). Last stdout line: one JSON object.
 */
import type { Command } from 'commander';
import { dataSetDir } from '../../engine/paths';
import { evaluateVision } from '../../engine/vision/eval';
import { evalGroup } from '../command-groups';
import { runOnEvaluationData } from '../evaluation-run';

export function registerEvalVision(program: Command): void {
  evalGroup(program)
    .command('vision')
    .description('face counts, head yaw and gaze (exam-frames, gaze-video), anti-spoof APCER/BPCER, object P/R at IoU 0.5')
    .option('--json', 'print only the JSON object')
    .action(async (options: { json?: boolean }) => {
      const result = await runOnEvaluationData('eval vision', (progress) => evaluateVision(dataSetDir(), progress));
      if (!options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
