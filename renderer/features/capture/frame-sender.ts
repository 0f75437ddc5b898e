/**
 * Samples the camera at the policy's rate, downscales each frame on a canvas to at most 320x240 RGB, and sends
 * it to the engine. A frame still in flight makes the next tick skip (counted), so a slow engine never piles up
 * a queue in the page.
 */
import type { FrameOutcome } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';

const MAX_W = 320;
const MAX_H = 240;

export interface FrameSenderStats {
  sent: number;
  skipped: number;
}

export function startFrameSender(options: { video: HTMLVideoElement; sessionId: string; fps: number; clock: () => number; onOutcome: (o: FrameOutcome) => void; onError: (e: Error) => void }): { stop(): void; stats: FrameSenderStats } {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const stats: FrameSenderStats = { sent: 0, skipped: 0 };
  let busy = false;
  let stopped = false;
  const tick = () => {
    const { video } = options;
    if (stopped || !context || video.videoWidth === 0) return;
    if (busy) {
      stats.skipped += 1;
      return;
    }
    const scale = Math.min(1, MAX_W / video.videoWidth, MAX_H / video.videoHeight);
    const width = Math.max(16, Math.round(video.videoWidth * scale));
    const height = Math.max(16, Math.round(video.videoHeight * scale));
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const t = options.clock();
    const rgb = toRgbBase64(context.getImageData(0, 0, width, height).data);
    busy = true;
    invoke('session.frame', { sessionId: options.sessionId, t, width, height, rgb })
      .then((outcome) => {
        stats.sent += 1;
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
export function toRgbBase64(rgba: Uint8ClampedArray): string {
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
