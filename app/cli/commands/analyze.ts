/**
 * `vigil analyze <video|image> --features out.csv`: one FrameFeatures row per analysed frame (schema v1, header
 * CSV_HEADER). The frame loop lives in app/engine/vision/analyze-media.ts; this command only parses, writes, reports.
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { CSV_HEADER, toCsvRow } from '../../engine/features/schema';
import { analyzeMedia } from '../../engine/vision/analyze-media';
import { CliError, usageError } from '../errors';
import { startProgress } from '../progress';

interface AnalyzeFlags {
  features?: string;
  fps: string;
  threads: string;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse a video or image on this machine (decoded by the system ffmpeg) and write per-frame features')
    .argument('<media>', 'video or image file')
    .option('--features <csv>', 'write one row per analysed frame to this CSV file (default: stdout)')
    .option('--fps <n>', 'frames per second to analyse in a video', '12')
    .option('--threads <n>', 'onnxruntime threads per model', '1')
    .action(async (media: string, flags: AnalyzeFlags) => {
      const fps = Number(flags.fps);
      if (!Number.isFinite(fps) || fps <= 0 || fps > 120) throw usageError('--fps', `must be a number above 0 and at most 120, not "${flags.fps}"`);
      const threads = Number(flags.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 16) throw usageError('--threads', `must be a whole number from 1 to 16, not "${flags.threads}"`);
      if (!existsSync(media)) throw new CliError(media, 'no such file');
      if (statSync(media).isDirectory()) throw new CliError(media, 'is a folder, not a video or image');

      // Written beside the target and renamed at the end, so a failed run never leaves half a CSV over a good one.
      // The file is opened with the first row, so unreadable media creates nothing.
      const target = flags.features;
      const tmp = target ? `${target}.partial` : null;
      let file: WriteStream | null = null;
      const write = async (line: string) => {
        const out = tmp ? (file ??= createWriteStream(tmp)) : process.stdout;
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      };
      const closeFile = async () => {
        if (!file) return;
        file.end();
        await once(file, 'close');
      };
      const bar = startProgress('analyze', 1);
      let rows = 0;
      try {
        const summary = await analyzeMedia(media, {
          fps,
          pipeline: { threads },
          onRow: async (row) => {
            if (rows++ === 0) await write(CSV_HEADER);
            await write(toCsvRow(row));
          },
          onProgress: (done, expected) => {
            bar.setTotal(expected);
            bar.update(done);
          },
        });
        bar.stop();
        if (tmp && target) {
          await closeFile();
          renameSync(tmp, target);
          process.stderr.write(`analyze: ${summary.frames} frames (${summary.framesWithFace} with a face) from ${media} to ${target} in ${summary.seconds.toFixed(1)} s\n`);
        }
      } catch (error) {
        bar.stop();
        await closeFile().catch(() => {});
        if (tmp) rmSync(tmp, { force: true });
        throw error;
      }
    });
}
