/**
 * The frame loop over a media file: decode at a fixed rate (ffmpeg), run the vision pipeline on each frame, hand
 * each FrameFeatures row to the caller as it is made. `vigil analyze` is a thin shell around this.
 */
import type { FrameFeatures } from '../features/schema';
import { DEFAULT_FPS, openFrames, startDecoding } from '../media/frames';
import type { MediaInfo } from '../media/probe';
import type { RgbFrame } from '../media/frames';
import { VisionPipeline, type PipelineOptions, type VisionResult } from './pipeline';

/**
 * Frames that may be in the pipeline at once by default (the live layout, an Iris worker per eye). Enough to cover
 * the slowest worker model (CenterNet, about five face-path frames) so the face path rarely waits for it, and small
 * enough that held frames cost little memory: 16 measured no faster on analyze in that layout (A/B, 3 x both clips:
 * 18.99 / 18.93 s against 21.19 / 18.68 s) and added about 30 MB to the peak RSS of `bench vision` (407 against
 * 379 MB). A file's layout keeps more (app/engine/session/analyze-file.ts, FILE_FRAMES_IN_FLIGHT).
 */
export const FRAMES_IN_FLIGHT = 8;

/**
 * Hands frames to `process` without waiting for each result, keeping at most `depth` unanswered; yields in order.
 * Each frame goes to `done` once its result is in (the pipeline reads no pixels after that), for its memory to be
 * reused.
 */
export async function* pipelined(frames: AsyncIterable<RgbFrame>, process: (frame: RgbFrame) => Promise<VisionResult>, depth = FRAMES_IN_FLIGHT, done?: (frame: RgbFrame) => void): AsyncGenerator<VisionResult> {
  const inFlight: { frame: RgbFrame; result: Promise<VisionResult> }[] = [];
  const next = async () => {
    const { frame, result } = inFlight.shift()!;
    const answer = await result;
    done?.(frame);
    return answer;
  };
  try {
    for await (const frame of frames) {
      const result = process(frame);
      // Handled now, awaited in turn: a later frame failing while an earlier one is awaited is not "unhandled".
      result.catch(() => undefined);
      inFlight.push({ frame, result });
      if (inFlight.length >= depth) yield await next();
    }
    while (inFlight.length > 0) yield await next();
  } finally {
    // Stopped early or failed: settle the rest so none rejects unobserved.
    await Promise.allSettled(inFlight.map((f) => f.result));
  }
}

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
  const started = performance.now();
  let frames = 0;
  let framesWithFace = 0;
  const stream = mediaFeatures(path, options);
  for await (const features of stream.rows) {
    frames++;
    if (features.face_count > 0) framesWithFace++;
    await options.onRow?.(features);
    options.onProgress?.(frames, Math.max(stream.expectedFrames(), frames));
  }
  const { width, height } = stream.size();
  return { frames, width, height, framesWithFace, seconds: (performance.now() - started) / 1000 };
}

export interface FeatureStream {
  /** FrameFeatures rows in time order, pulled one at a time (the caller sets the pace). */
  rows: AsyncGenerator<FrameFeatures>;
  /** Frames expected, known once the first row has been pulled (0 before, or when the duration is unknown). */
  expectedFrames(): number;
  size(): { width: number; height: number };
  /** Releases the models if the rows were never pulled to the end (pulling them does it by itself). */
  close(): Promise<void>;
}

/**
 * The same loop as a pull stream, for callers that store or score rows as they come (the session engine). The
 * models start loading and the file decoding at once, not on the first pull, so both happen while the caller does
 * other work first (the audio pass); they are released when the stream ends, fails, the caller stops early, or
 * `close()` is called.
 */
/** `onLivenessEvidence`: each liveness frame's evidence (app/engine/liveness), in order, before its row is yielded. */
export function mediaFeatures(path: string, options: Pick<AnalyzeOptions, 'fps' | 'pipeline'> & { probed?: MediaInfo; framesInFlight?: number; onLivenessEvidence?: (evidence: Float32Array, t: number) => void } = {}): FeatureStream {
  let expected = 0;
  let size = { width: 0, height: 0 };
  const opening = VisionPipeline.open(options.pipeline);
  const decoding = openFrames(path, options.fps ?? DEFAULT_FPS, options.probed).then(startDecoding);
  // Observed here so a failure is not "unhandled" while nobody pulls; it is thrown again on the first pull.
  opening.catch(() => undefined);
  decoding.catch(() => undefined);
  let released: Promise<void> | null = null;
  const release = () => (released ??= Promise.allSettled([opening.then((vision) => vision.release()), decoding.then((source) => source.close())]).then(() => undefined));
  async function* rows(): AsyncGenerator<FrameFeatures> {
    try {
      const source = await decoding;
      expected = source.expectedFrames;
      size = { width: source.width, height: source.height };
      const vision = await opening;
      for await (const result of pipelined(source.frames, (frame) => vision.process(frame), options.framesInFlight ?? FRAMES_IN_FLIGHT, source.recycle)) {
        if (result.livenessEvidence) options.onLivenessEvidence?.(result.livenessEvidence, result.features.t);
        yield result.features;
      }
    } finally {
      await release();
    }
  }
  return { rows: rows(), expectedFrames: () => expected, size: () => size, close: release };
}
