/**
 * Raw frames from a decoder's output, cut into buffers of `frameBytes` and handed out in order, with at most `ahead`
 * waiting (the decoder is paused until the caller catches up, so memory stays bounded).
 *
 * Two ways in. On Linux and macOS ffmpeg writes into one end of a local socket pair and Node reads the other end
 * straight into the frame being filled (net's `onread`): no chunk per read, no copy. Through a pipe (Windows), Node
 * reads each 64 KB into a new Buffer that is then copied; for a 15 s clip at 12 fps that is 3,500 buffers (220 MB)
 * for the garbage collector, which ran a full collection every 20 frames, and about 0.4 s of CPU beside ffmpeg's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  /** A chunk from a stream (the pipe path): copied into frames. */
  push(chunk: Uint8Array): boolean {
    for (let offset = 0; offset < chunk.length; ) {
      const into = this.target();
      const take = Math.min(into.length, chunk.length - offset);
      into.set(chunk.subarray(offset, offset + take));
      offset += take;
      this.received(take);
    }
    return this.ready.length < this.ahead;
  }

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

/**
 * Starts `ffmpeg args` (output to its stdout) with that output going into `receiver`. `stop()` kills ffmpeg and
 * closes the output; after ffmpeg exits by itself, its output still drains into the receiver.
 */
export async function spawnInto(args: string[], receiver: FrameReceiver, via: 'socket' | 'pipe' = process.platform === 'win32' ? 'pipe' : 'socket'): Promise<{ child: ChildProcess; stop(): void }> {
  if (via === 'pipe') return spawnPiped(args, receiver);
  const { ours, theirs } = await socketPair(receiver);
  try {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', theirs, 'pipe'] });
    return {
      child,
      stop: () => {
        if (child.exitCode === null) child.kill('SIGKILL');
        ours.destroy();
      },
    };
  } finally {
    // The child has its own copy now; ours would keep the connection open after ffmpeg exits.
    theirs.destroy();
    ours.resume();
  }
}

function spawnPiped(args: string[], receiver: FrameReceiver): { child: ChildProcess; stop(): void } {
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = child.stdout!;
  receiver.pause = () => out.pause();
  receiver.resume = () => out.resume();
  out.on('data', (chunk: Buffer) => {
    if (!receiver.push(chunk)) out.pause();
  });
  out.on('end', () => receiver.end());
  out.on('error', (e: Error) => receiver.fail(e));
  return { child, stop: () => void (child.exitCode === null && child.kill('SIGKILL')) };
}

/**
 * Two connected ends of a local socket: `ours` reads into the receiver, `theirs` becomes the child's stdout. Made by
 * listening on a path in a fresh private folder and connecting once; the folder is gone before this returns.
 */
async function socketPair(receiver: FrameReceiver): Promise<{ ours: Socket; theirs: Socket }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-frames-'));
  const server = createServer({ pauseOnConnect: true });
  try {
    const path = join(dir, 'ffmpeg.sock');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const ours = connect({ path, onread: { buffer: () => receiver.target(), callback: (n) => receiver.received(n) } });
    await new Promise<void>((resolve, reject) => {
      ours.once('connect', resolve);
      ours.once('error', reject);
    });
    ours.pause();
    receiver.pause = () => ours.pause();
    receiver.resume = () => ours.resume();
    ours.on('end', () => receiver.end());
    ours.on('close', () => receiver.end());
    ours.on('error', (e: Error) => receiver.fail(e));
    return { ours, theirs: await accepted };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
