/**
 * Video and image files to RGB frames, by the system ffmpeg (found on PATH). ffmpeg resamples to the requested
 * rate, so frame i is at t = i / fps on the file's clock; an image gives one frame at t = 0.
 */
import { FrameReceiver } from './frame-receiver';
import { MediaError, probeMedia, type MediaInfo } from './probe';
import { startTool } from './tool-process';

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
  const receiver = new FrameReceiver(width * height * 3, READ_AHEAD_FRAMES, spare);
  const tool = startTool('ffmpeg', args, receiver.direct);
  receiver.pause = () => tool.stdout.pause();
  receiver.resume = () => tool.stdout.resume();
  tool.stdout.once('close', () => receiver.end());
  tool.stdout.once('error', (e: Error) => receiver.fail(e));
  const exited = tool.exited.catch((e: NodeJS.ErrnoException) => {
    const error = e.code === 'ENOENT' ? new MediaError('ffmpeg: not found on PATH; install ffmpeg (Debian: apt-get install ffmpeg)') : e;
    receiver.fail(error);
    throw error;
  });
  exited.catch(() => undefined);
  let index = 0;
  try {
    for await (const data of receiver.frames()) {
      yield { width, height, data, t: fps > 0 ? index / fps : 0, index };
      index++;
    }
    const { code } = await exited;
    // A truncated file still yields the frames before the damage; only a file with none is an error.
    if (code !== 0 && index === 0) {
      const first = (await tool.stderr).split('\n').find((l) => l.trim()) ?? `ffmpeg exited with ${code}`;
      throw new MediaError(`${path}: cannot be decoded (${first.trim().replace(`${path}: `, '')})`);
    }
    if (index === 0) throw new MediaError(`${path}: no frame could be decoded`);
  } finally {
    tool.kill();
  }
}

/** Frames decoded ahead while the caller analyses: ffmpeg keeps the second core busy instead of waiting. */
const READ_AHEAD_FRAMES = 4;

/** Handed-back frames kept for reuse at most: the frames in flight and read ahead, with room to spare. */
const MAX_SPARE_FRAMES = 16;
