/**
 * Voice activity: Silero VAD on onnxruntime-node, run directly with its LSTM state tensors, one thread.
 * Chunks of 1536 samples (96 ms) are the largest the model accepts at 16 kHz: fewer calls, the same model.
 */
import type * as OrtTypes from 'onnxruntime-node';
import { createRequire } from 'node:module';
import { loadVerifiedModel, sileroModelPath } from './vad-model';

const require = createRequire(import.meta.url);

export const VAD_CHUNK = 1536;
const STATE = 2 * 64;

export class SileroVad {
  private h: OrtTypes.Tensor;
  private c: OrtTypes.Tensor;
  private readonly sr: OrtTypes.Tensor;

  private constructor(
    private readonly ort: typeof OrtTypes,
    private readonly session: OrtTypes.InferenceSession,
  ) {
    this.sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
    this.h = this.zeros();
    this.c = this.zeros();
  }

  static async load(path: string = sileroModelPath()): Promise<SileroVad> {
    const bytes = loadVerifiedModel(path);
    const ort = require('onnxruntime-node') as typeof OrtTypes;
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    return new SileroVad(ort, session);
  }

  /** Forget the past: a new stream, or a gap in capture. */
  reset(): void {
    this.h = this.zeros();
    this.c = this.zeros();
  }

  /** Speech probability of one chunk of VAD_CHUNK samples (shorter chunks are zero-padded). */
  async probability(chunk: Float32Array): Promise<number> {
    let input = chunk;
    if (chunk.length !== VAD_CHUNK) {
      input = new Float32Array(VAD_CHUNK);
      input.set(chunk.subarray(0, VAD_CHUNK));
    }
    const out = await this.session.run({ input: new this.ort.Tensor('float32', input, [1, VAD_CHUNK]), sr: this.sr, h: this.h, c: this.c });
    this.h = out.hn!;
    this.c = out.cn!;
    return (out.output!.data as Float32Array)[0]!;
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private zeros(): OrtTypes.Tensor {
    return new this.ort.Tensor('float32', new Float32Array(STATE), [2, 1, 64]);
  }
}
