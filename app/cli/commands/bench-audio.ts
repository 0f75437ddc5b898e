/**
 * `vigil bench audio`: realtime factor of VAD plus voice analysis on one thread; the last stdout line is one JSON object.
 */
import type { Command } from 'commander';
import { benchAudio } from '../../engine/audio/bench';
import { dataSetDir } from '../../engine/paths';
import { benchGroup } from '../command-groups';
import { runOnEvaluationData } from '../evaluation-run';
import { wholeNumberOption } from '../errors';

export function registerBenchAudio(program: Command): void {
  benchGroup(program)
    .command('audio')
    .description('realtime factor of VAD + voice analysis on one thread (target >= 200)')
    .option('--json', 'print the figures as one JSON object (the last line)')
    .option('--repeats <n>', 'runs over the input; the best counts', '3')
    .action(async (options: { json?: boolean; repeats: string }) => {
      const repeats = wholeNumberOption('--repeats', options.repeats, 1, 50);
      const result = await runOnEvaluationData('bench audio', (progress) => benchAudio(dataSetDir(), repeats, (done) => progress(done, repeats)));
      if (!options.json) process.stdout.write(`audio: ${result.input.audioSec} s analysed at ${result.realtimeFactor}x realtime (VAD alone ${result.vadRealtimeFactor}x), one thread; target 200x\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
