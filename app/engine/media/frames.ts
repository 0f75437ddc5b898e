/**
 * Video and image files to RGB frames, by the system ffmpeg (found on PATH). ffmpeg resamples to the requested
 * rate, so frame i is at t = i / fps on the file's clock; an image gives one frame at t = 0.
 */
import { spawn } from 'node:child_process';
import { MediaError, probeMedia, type MediaInfo } from './probe';

/** Interleaved 8-bit RGB, row-major, no padding: width * height * 3 bytes. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
  /** Seconds on the file's (or session's) clock. */
  t: number;
  index: number;
}

export interface FrameSource {
  width: number;
  height: number;
  /** Frames expected (0 when the duration is unknown), for progress. */
  expectedFrames: number;
  frames: AsyncIterable<RgbFrame>;
  /**
   * Hands a frame's pixels back once nothing reads them any more: a later frame is decoded into the same memory.
   * Optional for the caller (a frame never handed back is simply collected), but a long video otherwise allocates
   * a new buffer per frame, and V8 counts such buffers that outlive a young-generation collection (the analysis
   * keeps several frames in flight) towards its old generation: a full collection every few frames.
   */
  recycle(frame: RgbFrame): void;
}

export const DEFAULT_FPS = 12;

/** `probed`: the file's probe when the caller has it already (saves running ffprobe twice). */
export async function openFrames(path: string, fps = DEFAULT_FPS, probed?: MediaInfo): Promise<FrameSource> {
  const info = probed ?? (await probeMedia(path));
  const video = info.video;
  if (!video || video.width <= 0 || video.height <= 0) throw new MediaError(`${path}: has no video or image`);
  const still = info.durationSec === 0;
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-i', path, '-map', '0:v:0'];
  if (still) args.push('-frames:v', '1');
  else args.push('-vf', `fps=${fps}`);
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  // ffmpeg applies the display rotation (phone clips are often stored sideways), so a quarter turn swaps the size.
  const quarter = Math.abs(Math.round(video.rotation / 90)) % 2 === 1;
  const width = quarter ? video.height : video.width;
  const height = quarter ? video.width : video.height;
  const spare: Uint8Array[] = [];
  return {
    width,
    height,
    expectedFrames: still ? 1 : Math.max(0, Math.floor(info.durationSec * fps)),
    frames: readFrames(path, args, width, height, still ? 0 : fps, spare),
    recycle: (frame) => {
      if (frame.data.byteLength === width * height * 3 && spare.length < MAX_SPARE_FRAMES && !spare.includes(frame.data)) spare.push(frame.data);
    },
  };
}

/**
 * Starts decoding now rather than on the first pull: ffmpeg's start-up (about 90 ms to the first frame of a gaze
 * clip) and its read-ahead overlap whatever the caller does first (loading models). `close()` stops ffmpeg if the
 * frames are never pulled to the end; pulling them all does it by itself.
 */
export function startDecoding(source: FrameSource): FrameSource & { close(): Promise<void> } {
  const frames = source.frames[Symbol.asyncIterator]();
  const first = frames.next();
  // Observed here so a failure is not "unhandled" while nobody pulls; the first pull sees it.
  first.catch(() => undefined);
  let closed: Promise<void> | null = null;
  const close = () => (closed ??= Promise.resolve(frames.return?.()).then(() => undefined, () => undefined));
  async function* pulled(): AsyncGenerator<RgbFrame> {
    try {
      for (let next = await first; !next.done; next = await frames.next()) yield next.value;
    } finally {
      await close();
    }
  }
  return { ...source, frames: pulled(), close };
}

/** Decodes a single image (or a video's first frame). */
export async function readImage(path: string): Promise<RgbFrame> {
  const source = await openFrames(path);
  for await (const frame of source.frames) return frame;
  throw new MediaError(`${path}: no frame could be decoded`);
}

async function* readFrames(path: string, args: string[], width: number, height: number, fps: number, spare: Uint8Array[]): AsyncGenerator<RgbFrame> {
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new MediaError('ffmpeg: not found on PATH; install ffmpeg (Debian: apt-get install ffmpeg)') : e));
    child.on('close', resolve);
  });
  const frameBytes = width * height * 3;
  const frames = frameQueue(child.stdout, frameBytes, READ_AHEAD_FRAMES, spare);
  let index = 0;
  try {
    for await (const data of frames) {
      yield { width, height, data, t: fps > 0 ? index / fps : 0, index };
      index++;
    }
    const code = await exited;
    // A truncated file still yields the frames before the damage; only a file with none is an error.
    if (code !== 0 && index === 0) {
      const first = stderr.split('\n').find((l) => l.trim()) ?? `ffmpeg exited with ${code}`;
      throw new MediaError(`${path}: cannot be decoded (${first.trim().replace(`${path}: `, '')})`);
    }
    if (index === 0) throw new MediaError(`${path}: no frame could be decoded`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Frames decoded ahead while the caller analyses: ffmpeg keeps the second core busy instead of waiting. */
const READ_AHEAD_FRAMES = 4;

/** Handed-back frames kept for reuse at most: the frames in flight and read ahead, with room to spare. */
const MAX_SPARE_FRAMES = 16;

/**
 * Cuts a byte stream into frames of `frameBytes`, each copied once from the chunks into a buffer of its own (a
 * handed-back one from `spare` when there is one); the stream is paused once `ahead` frames wait, so memory stays
 * bounded.
 */
async function* frameQueue(stream: NodeJS.ReadableStream, frameBytes: number, ahead: number, spare: Uint8Array[]): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let filling: Uint8Array | null = null;
  let filled = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  stream.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      filling ??= spare.pop() ?? Buffer.allocUnsafeSlow(frameBytes);
      const take = Math.min(frameBytes - filled, chunk.length - offset);
      filling.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        ready.push(filling);
        filling = null;
        filled = 0;
      }
    }
    if (ready.length >= ahead) stream.pause();
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (error: Error) => {
    failure = error;
    notify();
  });
  for (;;) {
    const next = ready.shift();
    if (next) {
      if (ready.length < ahead) stream.resume();
      yield next;
      continue;
    }
    if (failure) throw failure;
    if (ended) return;
    stream.resume();
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
