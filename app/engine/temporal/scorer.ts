/**
 * Live scoring with a trained temporal model: frames of the engine's own per-frame features go in one at a
 * time; once a window is full, and then every (window - overlap) frames, the last `window` frames are scored
 * by onnxruntime-node. The same windows as in training: a score at frame 15, 25, 35, ... (window 15, overlap 5).
 *
 * Frames are mapped with toTemporalRow; a value the engine could not measure (null) arrives as NaN and the
 * model fills it with the training mean. A model trained on columns the engine never measures
 * (TEMPORAL_UNMAPPED) would see only means there, so such a model is refused unless the caller opts in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { toTemporalRow, type FrameFeatures } from '../features/schema';
import { modelsDir } from '../paths';
import { windowStride } from './config';
import { TemporalDataError } from './errors';
import { TemporalMetadata } from './metadata';
import { METADATA_FILE, readModelMetadata } from './model-files';

export interface TemporalScore {
  /** Session time of the window's last frame (seconds). */
  readonly t: number;
  /** Session time of the window's first frame. */
  readonly start: number;
  /** Cheating probability of the window, 0..1. */
  readonly score: number;
  /** score >= the model's threshold (0.4 by default). */
  readonly alert: boolean;
}

export interface LoadOptions {
  /** Accept a model trained on columns the engine cannot measure (for offline evaluation only). */
  readonly allowUnmappedColumns?: boolean;
}

export class TemporalScorer {
  private readonly rows: number[][] = [];
  private readonly times: number[] = [];
  private seen = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly metadata: TemporalMetadata,
  ) {}

  /** Loads `dir/model.onnx` with `dir/metadata.json`; a missing or foreign file is one clear error. */
  static async load(dir: string, options: LoadOptions = {}): Promise<TemporalScorer> {
    const metadataPath = join(dir, METADATA_FILE);
    const metadata = readModelMetadata(metadataPath, TemporalMetadata, 'temporal', (thing, problem) => new TemporalDataError(thing, problem));
    if (!metadata.live && !options.allowUnmappedColumns) {
      throw new TemporalDataError(dir, `model uses columns the engine cannot measure live (${metadata.unmappedColumns.join(', ')}); train one with --columns live`);
    }
    const modelPath = join(dir, metadata.model.file);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(readFileSync(modelPath));
    } catch (error) {
      throw new TemporalDataError(modelPath, `cannot load the model (${(error as Error).message.split('\n')[0]})`);
    }
    return new TemporalScorer(session, metadata);
  }

  get window(): number {
    return this.metadata.config.window;
  }

  /** Frames between two scores. */
  get stride(): number {
    return windowStride(this.metadata.config);
  }

  get threshold(): number {
    return this.metadata.config.threshold;
  }

  /** Adds one frame (in time order); resolves to a score when this frame completes a window, else null. */
  async push(frame: FrameFeatures): Promise<TemporalScore | null> {
    const row = toTemporalRow(frame);
    this.rows.push(this.metadata.columns.map((c) => row[c]));
    this.times.push(frame.t);
    if (this.rows.length > this.window) {
      this.rows.shift();
      this.times.shift();
    }
    this.seen++;
    if (this.seen < this.window || (this.seen - this.window) % this.stride !== 0) return null;
    // Taken before awaiting, so frames pushed meanwhile (a caller that does not await) cannot shift them.
    const window = this.rows.flat();
    const start = this.times[0]!;
    const end = this.times.at(-1)!;
    const [score] = await this.run([window]);
    return this.toScore(score!, start, end);
  }

  /** Scores a whole recording at once (same windows and results as pushing its frames one by one). */
  async scoreAll(frames: readonly FrameFeatures[]): Promise<TemporalScore[]> {
    const rows = frames.map((f) => {
      const row = toTemporalRow(f);
      return this.metadata.columns.map((c) => row[c]);
    });
    const starts: number[] = [];
    for (let s = 0; s + this.window <= rows.length; s += this.stride) starts.push(s);
    if (starts.length === 0) return [];
    const scores = await this.run(starts.map((s) => rows.slice(s, s + this.window).flat()));
    return starts.map((s, i) => this.toScore(scores[i]!, frames[s]!.t, frames[s + this.window - 1]!.t));
  }

  /** Forgets buffered frames (a new session, or a gap in the frame stream). */
  reset(): void {
    this.rows.length = 0;
    this.times.length = 0;
    this.seen = 0;
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private async run(windows: number[][]): Promise<Float32Array> {
    const width = this.metadata.columns.length;
    const input = new ort.Tensor('float32', Float32Array.from(windows.flat()), [windows.length, this.window, width]);
    const out = await this.session.run({ [this.metadata.model.input]: input });
    return out[this.metadata.model.output]!.data as Float32Array;
  }

  private toScore(score: number, start: number, t: number): TemporalScore {
    return { t, start, score, alert: score >= this.threshold };
  }
}

/** Where the engine looks for a default temporal model: `<models>/temporal/`. */
export function defaultTemporalModelDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsDir(env), 'temporal');
}

/**
 * The default model if one is installed, else null and the reason. Vigil ships none (see README.md: no
 * honestly labelled recordings exist yet for the engine's own features), so sessions run without temporal
 * scores unless an institution trains one (`vigil train temporal --columns live`) and puts it there.
 */
export async function loadDefaultTemporalScorer(env: NodeJS.ProcessEnv = process.env): Promise<{ scorer: TemporalScorer | null; reason: string }> {
  const dir = defaultTemporalModelDir(env);
  try {
    return { scorer: await TemporalScorer.load(dir), reason: `temporal model from ${dir}` };
  } catch (error) {
    const detail = error instanceof TemporalDataError ? error.message : String(error);
    return { scorer: null, reason: `no temporal model: Vigil ships none and ${dir} has no usable one (${detail})` };
  }
}
