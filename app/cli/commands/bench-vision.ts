/**
 * `vigil bench vision`: our ONNX pipeline against @vladmandic/human on TensorFlow.js WASM, same frames, same run;
 * the last stdout line is one JSON object.
 */
import type { Command } from 'commander';
import { dataSetDir } from '../../engine/paths';
import { MissingDataError } from '../../engine/data-sets';
import { benchVision } from '../../engine/vision/bench';
import { benchGroup } from '../command-groups';
import { CliError, usageError } from '../errors';
import { startProgress } from '../progress';

export function registerBenchVision(program: Command): void {
  benchGroup(program)
    .command('vision')
    .description('ms per frame of the vision pipeline (1 and 2 threads) vs @vladmandic/human on TensorFlow.js WASM, on gaze-video frames')
    .option('--json', 'print only the JSON object')
    .option('--frames <n>', 'frames per clip, at 12 fps', '90')
    .action(async (options: { json?: boolean; frames: string }) => {
      const framesPerClip = Number(options.frames);
      if (!Number.isInteger(framesPerClip) || framesPerClip < 10 || framesPerClip > 2000) throw usageError('--frames', `must be a whole number from 10 to 2000, not "${options.frames}"`);
      const bar = startProgress('bench vision', 1);
      let result: Awaited<ReturnType<typeof benchVision>>;
      try {
        result = await benchVision(dataSetDir(), { framesPerClip }, (done, total, detail) => {
          bar.setTotal(total);
          bar.update(done, detail);
        });
      } catch (error) {
        if (error instanceof MissingDataError) throw new CliError('evaluation data', error.message);
        throw error;
      } finally {
        bar.stop();
      }
      if (!options.json) {
        process.stdout.write(`vision: ${result.frames} frames ${result.size}: ours ${result.oursMsMedian} ms median (p95 ${result.oursMsP95}) on 1 thread, ${result.ours2ThreadsMsMedian} ms on 2; ${result.peer} ${result.peerMsMedian} ms; speedup ${result.speedup}x; RSS ${result.rssMB} MB\n`);
      }
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
