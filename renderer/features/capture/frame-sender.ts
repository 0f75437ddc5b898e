/**
 * The transport before frames went as bytes, kept only for `vigil bench live --transport json` to measure against
 * (frame-stream.ts is the one the app uses, for the exam and the identity step): samples the camera at the policy's
 * rate, downscales each frame on a canvas to at most 320x240 RGB, and sends it to the engine as base64 in JSON. A
 * frame still in flight makes the next tick skip (counted), so a slow engine never piles up a queue in the page.
 */
const MAX_W = 320;
const MAX_H = 240;

export interface RgbFrame {
  width: number;
  height: number;
  /** RGB bytes, base64. */
  rgb: string;
}

/** One frame of the video, downscaled to at most 320x240, as base64 RGB; undefined before the video has a size. */
function grabFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement = document.createElement('canvas')): RgbFrame | undefined {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context || video.videoWidth === 0) return undefined;
  const scale = Math.min(1, MAX_W / video.videoWidth, MAX_H / video.videoHeight);
  const width = Math.max(16, Math.round(video.videoWidth * scale));
  const height = Math.max(16, Math.round(video.videoHeight * scale));
  canvas.width = width;
  canvas.height = height;
  context.drawImage(video, 0, 0, width, height);
  return { width, height, rgb: toRgbBase64(context.getImageData(0, 0, width, height).data) };
}

export interface FrameSenderStats {
  sent: number;
  skipped: number;
  width: number;
  height: number;
}

export function startFrameSender<T>(options: { video: HTMLVideoElement; fps: number; clock: () => number; send: (frame: RgbFrame & { t: number }) => Promise<T>; onOutcome: (o: T) => void; onError: (e: Error) => void; latencies?: number[] }): { stop(): void; stats: FrameSenderStats } {
  const canvas = document.createElement('canvas');
  const stats: FrameSenderStats = { sent: 0, skipped: 0, width: 0, height: 0 };
  let busy = false;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (busy) {
      stats.skipped += 1;
      return;
    }
    const t = options.clock();
    const frame = grabFrame(options.video, canvas);
    if (!frame) return;
    busy = true;
    stats.width = frame.width;
    stats.height = frame.height;
    const takenAt = performance.now();
    options
      .send({ ...frame, t })
      .then((outcome) => {
        stats.sent += 1;
        options.latencies?.push(performance.now() - takenAt);
        if (!stopped) options.onOutcome(outcome);
      })
      .catch((error: Error) => {
        if (!stopped) options.onError(error);
      })
      .finally(() => (busy = false));
  };
  const timer = setInterval(tick, 1000 / options.fps);
  return {
    stats,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** RGBA pixels to base64 RGB, in chunks so String.fromCharCode never gets too many arguments. */
function toRgbBase64(rgba: Uint8ClampedArray): string {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  let binary = '';
  for (let i = 0; i < rgb.length; i += 0x8000) binary += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
  return btoa(binary);
}
