/**
 * `vigil bench vision`: our ONNX pipeline against @vladmandic/human on TensorFlow.js WASM, same frames, same run;
 * the last stdout line is one JSON object.
 */
import type { Command } from 'commander';
import { dataSetDir } from '../../engine/paths';
import { benchVision } from '../../engine/vision/bench';
import { benchGroup } from '../command-groups';
import { runOnEvaluationData } from '../evaluation-run';
import { wholeNumberOption } from '../errors';

export function registerBenchVision(program: Command): void {
  benchGroup(program)
    .command('vision')
    .description('ms per frame of the vision pipeline (1 and 2 threads) vs @vladmandic/human on TensorFlow.js WASM, on gaze-video frames')
    .option('--json', 'print only the JSON object')
    .option('--frames <n>', 'frames per clip, at 12 fps', '90')
    .action(async (options: { json?: boolean; frames: string }) => {
      const framesPerClip = wholeNumberOption('--frames', options.frames, 10, 2000);
      const result = await runOnEvaluationData('bench vision', (progress) => benchVision(dataSetDir(), { framesPerClip }, progress));
      if (!options.json) {
        process.stdout.write(`vision: ${result.frames} frames ${result.size}: ours ${result.oursMsMedian} ms median (p95 ${result.oursMsP95}) on 1 thread, ${result.ours2ThreadsMsMedian} ms on 2; ${result.peer} ${result.peerMsMedian} ms; speedup ${result.speedup}x; RSS ${result.rssMB} MB\n`);
      }
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
