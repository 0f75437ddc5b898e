/**
 * `vigil eval vision`: face counts, head pose and gaze, gaze-video segments, anti-spoof APCER/BPCER and object
 * precision/recall on ../shared/data (see app/engine/vision/README.md). Last stdout line: one JSON object.
 */
import type { Command } from 'commander';
import { dataSetDir } from '../../engine/paths';
import { MissingDataError } from '../../engine/data-sets';
import { evaluateVision } from '../../engine/vision/eval';
import { evalGroup } from '../command-groups';
import { CliError } from '../errors';
import { startProgress } from '../progress';

export function registerEvalVision(program: Command): void {
  evalGroup(program)
    .command('vision')
    .description('face counts, head yaw and gaze (exam-frames, gaze-video), anti-spoof APCER/BPCER, object P/R at IoU 0.5')
    .option('--json', 'print only the JSON object')
    .action(async (options: { json?: boolean }) => {
      const bar = startProgress('eval vision', 1);
      let result: Awaited<ReturnType<typeof evaluateVision>>;
      try {
        result = await evaluateVision(dataSetDir(), (done, total, detail) => {
          bar.setTotal(total);
          bar.update(done, detail);
        });
      } catch (error) {
        if (error instanceof MissingDataError) throw new CliError('evaluation data', error.message);
        throw error;
      } finally {
        bar.stop();
      }
      if (!options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
