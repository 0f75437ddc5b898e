/** `vigil bench analyze`: end-to-end realtime factor of `vigil analyze`; the last stdout line is one JSON object. */
import type { Command } from 'commander';
import { benchAnalyze } from '../../engine/session/bench-analyze';
import { benchGroup } from '../command-groups';
import { runOnEvaluationData } from '../evaluation-run';
import { wholeNumberOption } from '../errors';

export function registerBenchAnalyze(program: Command): void {
  benchGroup(program)
    .command('analyze')
    .description('media seconds per processing second of the whole analysis, on the gaze-video clips at 12 fps')
    .option('--json', 'print only the JSON object')
    .option('--threads <n>', 'onnxruntime threads per vision model', '1')
    .action(async (options: { json?: boolean; threads: string }) => {
      const threads = wholeNumberOption('--threads', options.threads, 1, 16);
      const result = await runOnEvaluationData('bench analyze', (progress) => benchAnalyze({ threads }, (done, total, file) => progress(done, total, file)));
      if (!options.json) {
        for (const c of result.clips) process.stdout.write(`${c.file}: ${c.mediaSec} s of media in ${c.processingSec} s (${c.realtimeFactor}x realtime, ${c.frames} frames)\n`);
        process.stdout.write(`analyze: ${result.realtimeFactor}x realtime at ${result.fps} fps on ${result.threads} thread(s); RSS ${result.rssMB} MB\n`);
      }
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
