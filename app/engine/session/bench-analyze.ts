/**
 * The session engine's speed: media seconds analysed per second of processing, end to end (decode, audio, vision,
 * rules, scoring, storage, evidence, report), on the gaze-video clips at the policy's default rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { requireDataSet } from '../data-sets';
import { defaultPolicy } from '../policy/policy';
import { openStore } from '../storage/store';
import { analyzeFile } from './analyze-file';

export interface AnalyzeBench {
  clips: { file: string; mediaSec: number; processingSec: number; realtimeFactor: number; frames: number }[];
  mediaSec: number;
  processingSec: number;
  realtimeFactor: number;
  fps: number;
  threads: number;
  rssMB: number;
  /** Context for the figures: on a shared machine they move with its load. */
  cpus: number;
  loadAverage1m: number;
}

export async function benchAnalyze(options: { threads?: number } = {}, onClip?: (done: number, total: number, file: string) => void): Promise<AnalyzeBench> {
  const { files } = requireDataSet('gaze-video', /\.mp4$/);
  const policy = defaultPolicy();
  const threads = options.threads ?? 1;
  const home = mkdtempSync(join(tmpdir(), 'vigil-bench-analyze-'));
  const store = openStore(join(home, 'vigil.db'));
  const clips: AnalyzeBench['clips'] = [];
  let rss = process.memoryUsage().rss;
  try {
    // One untimed run first: model loading and the first inference's warm-up are not what a session pays per second.
    await analyzeFile(files[0]!, { policy, threads });
    for (const [i, file] of files.entries()) {
      onClip?.(i, files.length, basename(file));
      const started = performance.now();
      const report = await analyzeFile(file, { policy, threads, store });
      const processingSec = (performance.now() - started) / 1000;
      rss = Math.max(rss, process.memoryUsage().rss);
      clips.push({ file: basename(file), mediaSec: report.durationSec, processingSec: round(processingSec), realtimeFactor: round(report.durationSec / processingSec), frames: report.media.framesAnalysed });
    }
    onClip?.(files.length, files.length, '');
  } finally {
    store.close();
    rmSync(home, { recursive: true, force: true });
  }
  const mediaSec = clips.reduce((a, c) => a + c.mediaSec, 0);
  const processingSec = clips.reduce((a, c) => a + c.processingSec, 0);
  return {
    clips,
    mediaSec: round(mediaSec),
    processingSec: round(processingSec),
    realtimeFactor: round(mediaSec / processingSec),
    fps: policy.processingFps,
    threads,
    rssMB: Math.round(rss / 1024 / 1024),
    cpus: cpus().length,
    loadAverage1m: round(loadavg()[0] ?? 0),
  };
}

const round = (v: number) => Math.round(v * 100) / 100;
