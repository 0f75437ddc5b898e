/**
 * The frame loop over a media file: decode at a fixed rate (ffmpeg), run the vision pipeline on each frame, hand
 * each FrameFeatures row to the caller as it is made. `vigil analyze` is a thin shell around this.
 */
import type { FrameFeatures } from '../features/schema';
import { DEFAULT_FPS, openFrames } from '../media/frames';
import { VisionPipeline, type PipelineOptions } from './pipeline';

export interface AnalyzeOptions {
  /** Frames per second to analyse (videos); default 12. */
  fps?: number;
  pipeline?: Partial<PipelineOptions>;
  onRow?: (row: FrameFeatures) => void | Promise<void>;
  /** Called after each frame with frames done and frames expected (0 when unknown). */
  onProgress?: (done: number, expected: number) => void;
}

export interface AnalyzeSummary {
  frames: number;
  width: number;
  height: number;
  framesWithFace: number;
  seconds: number;
}

export async function analyzeMedia(path: string, options: AnalyzeOptions = {}): Promise<AnalyzeSummary> {
  const fps = options.fps ?? DEFAULT_FPS;
  const source = await openFrames(path, fps);
  const vision = await VisionPipeline.open(options.pipeline);
  const started = performance.now();
  let frames = 0;
  let framesWithFace = 0;
  try {
    for await (const frame of source.frames) {
      const { features } = await vision.process(frame);
      frames++;
      if (features.face_count > 0) framesWithFace++;
      await options.onRow?.(features);
      options.onProgress?.(frames, Math.max(source.expectedFrames, frames));
    }
  } finally {
    await vision.release();
  }
  return { frames, width: source.width, height: source.height, framesWithFace, seconds: (performance.now() - started) / 1000 };
}
