/**
 * Raw frames from a decoder's output, cut into buffers of `frameBytes` and handed out in order, with at most `ahead`
 * waiting (the decoder is paused until the caller catches up, so memory stays bounded).
 *
 * The decoder's output is read straight into the frame being filled (`target()` and `received()`, the shape of net's
 * `onread`, tool-process.ts), not taken as a stream of chunks: Node reads a pipe in 64 KB Buffers, and a 15 s clip
 * at 12 fps made 3,500 of them (220 MB) for the garbage collector, a full collection every 20 frames and about
 * 0.3 s of CPU more than reading into the frames.
 */
import type { DirectRead } from './tool-process';

export class FrameReceiver {
  private readonly ready: Uint8Array[] = [];
  private filling: Uint8Array | null = null;
  private filled = 0;
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  /** Set by whoever feeds it: stop and restart the decoder's output. */
  pause: () => void = () => undefined;
  resume: () => void = () => undefined;

  constructor(
    private readonly frameBytes: number,
    private readonly ahead: number,
    /** Handed-back frames, reused before new memory is allocated. */
    private readonly spare: Uint8Array[],
  ) {}

  /** Where the next bytes go: the rest of the frame being filled. */
  target(): Uint8Array {
    this.filling ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(this.frameBytes);
    return this.filling.subarray(this.filled);
  }

  /** `n` bytes were written into `target()`; false when enough frames wait and the decoder should pause. */
  received(n: number): boolean {
    this.filled += n;
    if (this.filled === this.frameBytes) {
      this.ready.push(this.filling!);
      this.filling = null;
      this.filled = 0;
    }
    this.notify();
    return this.ready.length < this.ahead;
  }

  /** The decoder's output goes here. */
  readonly direct: DirectRead = { buffer: () => this.target(), callback: (n) => this.received(n) };

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  /** Whole frames in order; a partial frame at the end is dropped (a truncated file). */
  async *frames(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.ready.shift();
      if (next) {
        if (this.ready.length < this.ahead) this.resume();
        yield next;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      this.resume();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }
}
