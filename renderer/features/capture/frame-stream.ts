/**
 * The exam's camera frames to the engine, as bytes at the camera's own size. Each VideoFrame is read from the
 * track (MediaStreamTrackProcessor) and copied once, in the camera's own pixel format, straight into the buffer
 * that is sent (VideoFrame.copyTo after the contract's header); without MediaStreamTrackProcessor a canvas draws
 * the video instead. Frames are taken evenly at the policy's rate on their capture times; a bounded number are in
 * flight, and a frame due while the engine is still busy with them is dropped and counted, never queued. Every
 * frame carries its own capture time, so the engine's rules count consecutive frames on the camera's clock.
 */
import { FRAME_HEADER_BYTES, allocateFrame, type CaptureStats, type FrameBytesAnswer, type FrameFormat, type FramePurpose } from '../../../app/ipc/contract';

/**
 * Frames sent and not yet answered: half a second at 12 fps. It was a whole second (12) while every slower model
 * (objects, text, liveness) ran on one frame a second and the frames after it waited for that frame's answer; now at
 * most one starts on a frame (app/engine/vision/pipeline.ts due()), so a frame waits for one slower model at most.
 * Fewer in flight bounds the latency when the engine is late: frames are dropped and counted instead of waiting
 * behind a second of others (at load 26-30 on this shared machine, 12 in flight gave p50 5.5 s, the one-in-flight
 * JSON transport p50 0.4 s). The engine's face path holds each frame (1.4 MB at 640x480 with its RGB) only until it
 * has run.
 */
export const MAX_IN_FLIGHT = 6;

/** The engine's answer to a frame it took (a session frame's outcome, or the identity step's progress). */
export type FrameAnswered = Extract<FrameBytesAnswer, { ok: true }>;

export interface FrameStreamOptions {
  readonly track: MediaStreamTrack;
  /** The session's id, or the identity step's (identity.begin). */
  readonly sessionId: string;
  /** What the frames are for (the header's purpose): the exam session's by default. */
  readonly purpose?: FramePurpose;
  readonly fps: number;
  readonly send: (frame: ArrayBuffer) => Promise<FrameBytesAnswer>;
  readonly onAnswer: (answer: FrameAnswered) => void;
  /** A frame the engine refused (counted there too); the stream goes on. */
  readonly onRefused: (error: { code: string; message: string }) => void;
  readonly onError: (error: Error) => void;
  /** The camera stopped delivering frames (its track ended: unplugged, taken by another program, stopped). */
  readonly onCameraLost?: () => void;
  /** A video element playing the track, for the canvas fallback. */
  readonly video?: HTMLVideoElement;
}

export interface FrameStream {
  /** performance.now() of the first frame's capture: the session's t = 0. */
  readonly originMs: number;
  stats(): CaptureStats;
  stop(): Promise<void>;
}

const FORMATS: Record<string, FrameFormat> = { I420: 'i420', NV12: 'nv12', RGBA: 'rgba', RGBX: 'rgba', BGRA: 'bgra', BGRX: 'bgra' };

interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}
declare const MediaStreamTrackProcessor: { new (init: { track: MediaStreamTrack; maxBufferSize?: number }): TrackProcessor } | undefined;

/** Whether frames can be read from the track itself (else a canvas draws a playing video). */
export function canReadTrackFrames(): boolean {
  return typeof MediaStreamTrackProcessor === 'function';
}

/** p-th percentile of `values` (0..100), 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Decides which frames to send: evenly at `fps` on capture times (a 15 fps camera at 12 sends four of five), and
 * whether one due now must be dropped because MAX_IN_FLIGHT are still out.
 */
export class FramePacer {
  private nextDue = 0;
  dropped = 0;
  constructor(private readonly fps: number) {}

  /** 'send', 'skip' (not due: the camera is faster than the policy) or 'drop' (due, but the engine is late). */
  decide(t: number, inFlight: number): 'send' | 'skip' | 'drop' {
    const period = 1 / this.fps;
    // A frame within a quarter period of its due time counts as due (capture times jitter by a few ms).
    if (t < this.nextDue - period / 4) return 'skip';
    this.nextDue = t - this.nextDue > period ? t + period : this.nextDue + period;
    if (inFlight >= MAX_IN_FLIGHT) {
      this.dropped += 1;
      return 'drop';
    }
    return 'send';
  }
}

export async function startFrameStream(options: FrameStreamOptions): Promise<FrameStream> {
  const pacer = new FramePacer(options.fps);
  const purpose = options.purpose ?? 'session';
  const latencies: number[] = [];
  let inFlight = 0;
  let sent = 0;
  let seq = 0;
  let stopped = false;
  let size = { width: 0, height: 0 };
  let transport = 'bytes';

  /** `buffer` resolves once the pixels are in it; the frame counts as in flight from the moment it is taken. */
  const ship = (buffer: ArrayBuffer | Promise<ArrayBuffer>, captureMs: number) => {
    inFlight += 1;
    sent += 1;
    Promise.resolve(buffer)
      .then((bytes) => options.send(bytes))
      .then((answer) => {
        latencies.push(performance.now() - captureMs);
        if (stopped) return;
        if (answer.ok) options.onAnswer(answer);
        else options.onRefused(answer.error);
      })
      .catch((error: Error) => {
        if (!stopped) options.onError(error);
      })
      .finally(() => (inFlight -= 1));
  };

  let originMs: number;
  let finished: Promise<void>;
  if (typeof MediaStreamTrackProcessor === 'function') {
    transport = 'bytes, VideoFrame.copyTo';
    const reader = new MediaStreamTrackProcessor({ track: options.track, maxBufferSize: 2 }).readable.getReader();
    // VideoFrame.timestamp is the capture time on a monotonic clock of its own (µs). A frame's session time is its
    // distance from the first frame's, exact and never going back; its distance to performance.now() is fixed, and
    // the smallest seen (the least delivery delay) places capture times on the page's clock for the latency.
    const first = await reader.read();
    if (first.done || !first.value) throw new Error('camera_lost: the camera delivered no frame');
    const firstUs = first.value.timestamp;
    let offsetMs = performance.now() - firstUs / 1000;
    originMs = firstUs / 1000 + offsetMs;
    const handle = (frame: VideoFrame) => {
      offsetMs = Math.min(offsetMs, performance.now() - frame.timestamp / 1000);
      const captureMs = frame.timestamp / 1000 + offsetMs;
      const t = Math.max(0, (frame.timestamp - firstUs) / 1e6);
      if (pacer.decide(t, inFlight) !== 'send') {
        frame.close();
        return;
      }
      size = { width: frame.visibleRect?.width ?? frame.displayWidth, height: frame.visibleRect?.height ?? frame.displayHeight };
      ship(copyFrame(frame, { sessionId: options.sessionId, purpose, seq: seq++, t }).finally(() => frame.close()), captureMs);
    };
    handle(first.value);
    finished = (async () => {
      while (!stopped) {
        const next = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (next.done || !next.value) {
          // The track's frames ended while the exam still wanted them: the camera is gone.
          if (!stopped) options.onCameraLost?.();
          break;
        }
        if (stopped) {
          next.value.close();
          break;
        }
        handle(next.value);
      }
      await reader.cancel().catch(() => undefined);
    })();
  } else {
    transport = 'bytes, canvas';
    const video = options.video;
    if (!video) throw new Error('no_video: this browser cannot read camera frames without a video element');
    const canvas = document.createElement('canvas');
    originMs = performance.now();
    const timer = setInterval(() => {
      const t = (performance.now() - originMs) / 1000;
      if (stopped || video.videoWidth === 0 || pacer.decide(t, inFlight) !== 'send') return;
      const buffer = drawFrame(video, canvas, { sessionId: options.sessionId, purpose, seq: seq++, t });
      size = { width: buffer.width, height: buffer.height };
      ship(buffer.bytes, originMs + t * 1000);
    }, 1000 / (2 * options.fps));
    finished = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (!stopped) return;
        clearInterval(timer);
        clearInterval(check);
        resolve();
      }, 50);
    });
  }

  return {
    originMs,
    stats: () => ({ transport, width: size.width, height: size.height, sent, dropped: pacer.dropped, latencyP50Ms: percentile(latencies, 50), latencyP95Ms: percentile(latencies, 95) }),
    async stop() {
      stopped = true;
      await finished;
      // The frames still out are answered before the session finishes (the engine waits for them too).
      const until = performance.now() + 5000;
      while (inFlight > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

interface FrameLabel {
  sessionId: string;
  purpose: FramePurpose;
  seq: number;
  t: number;
}

/** The canvas way (no MediaStreamTrackProcessor): the playing video drawn, its RGBA pixels after the header. */
function drawFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement, label: FrameLabel): { bytes: ArrayBuffer; width: number; height: number } {
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  const width = video.videoWidth & ~1;
  const height = video.videoHeight & ~1;
  canvas.width = width;
  canvas.height = height;
  context.drawImage(video, 0, 0, width, height);
  const buffer = allocateFrame({ ...label, width, height, format: 'rgba' });
  buffer.set(context.getImageData(0, 0, width, height).data, FRAME_HEADER_BYTES);
  return { bytes: buffer.buffer as ArrayBuffer, width, height };
}

/**
 * One frame of the camera as bytes at its own size, now (the identity photo): read from the track, or drawn from
 * `video` where the track's frames cannot be read.
 */
export async function takeFrame(track: MediaStreamTrack, label: FrameLabel, video?: HTMLVideoElement): Promise<ArrayBuffer> {
  if (typeof MediaStreamTrackProcessor !== 'function') {
    if (!video || video.videoWidth === 0) throw new Error('no_video: the camera has not delivered a picture yet');
    return drawFrame(video, document.createElement('canvas'), label).bytes;
  }
  const reader = new MediaStreamTrackProcessor({ track, maxBufferSize: 1 }).readable.getReader();
  try {
    const { done, value } = await reader.read();
    if (done || !value) throw new Error('camera_lost: the camera delivered no frame');
    try {
      return await copyFrame(value, label);
    } finally {
      value.close();
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** One copy: the frame's visible pixels, in its own format, into a fresh buffer after the contract's header. */
async function copyFrame(frame: VideoFrame, label: FrameLabel): Promise<ArrayBuffer> {
  const rect = frame.visibleRect!;
  const width = rect.width & ~1;
  const height = rect.height & ~1;
  const native = frame.format ? FORMATS[frame.format] : undefined;
  const format: FrameFormat = native ?? 'rgba';
  const buffer = allocateFrame({ ...label, width, height, format });
  const h = FRAME_HEADER_BYTES;
  const layout =
    format === 'i420'
      ? [{ offset: h, stride: width }, { offset: h + width * height, stride: width / 2 }, { offset: h + width * height + (width / 2) * (height / 2), stride: width / 2 }]
      : format === 'nv12'
        ? [{ offset: h, stride: width }, { offset: h + width * height, stride: width }]
        : [{ offset: h, stride: width * 4 }];
  const copyOptions: VideoFrameCopyToOptions & { format?: string } = { rect: { x: rect.x, y: rect.y, width, height }, layout };
  // A format this module does not send as it is (I420A, I444, ...) is converted to RGBA by copyTo itself.
  if (!native) copyOptions.format = 'RGBA';
  await frame.copyTo(buffer, copyOptions);
  return buffer.buffer as ArrayBuffer;
}
