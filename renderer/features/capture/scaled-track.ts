/**
 * A camera track with its pixels really scaled down, for the evidence recorder. Chromium's `applyConstraints`
 * with `resizeMode: 'crop-and-scale'` only marks frames with a smaller display size: MediaRecorder still encodes
 * the camera's full 640x480 (measured: a 320x240 clone recorded as 640x480 VP8, 0.17 of a core in the page).
 * Here each frame is drawn at the smaller size on a canvas and handed to the recorder through a track generator.
 */
interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}
interface TrackGenerator extends MediaStreamTrack {
  readonly writable: WritableStream<VideoFrame>;
}
declare const MediaStreamTrackProcessor: { new (init: { track: MediaStreamTrack; maxBufferSize?: number }): TrackProcessor } | undefined;
declare const MediaStreamTrackGenerator: { new (init: { kind: 'video' }): TrackGenerator } | undefined;

export interface ScaledTrack {
  readonly track: MediaStreamTrack;
  stop(): void;
}

/**
 * `camera` (cloned, so stopping this leaves the camera open) at most `maxWidth` x `maxHeight` keeping its aspect,
 * at most `maxFps`; undefined where the browser cannot read and generate track frames.
 */
export function scaledVideoTrack(camera: MediaStreamTrack, maxWidth: number, maxHeight: number, maxFps: number): ScaledTrack | undefined {
  if (typeof MediaStreamTrackProcessor !== 'function' || typeof MediaStreamTrackGenerator !== 'function' || typeof OffscreenCanvas !== 'function') return undefined;
  const source = camera.clone();
  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  const canvas = new OffscreenCanvas(maxWidth, maxHeight);
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) {
    source.stop();
    generator.stop();
    return undefined;
  }
  const minGapUs = (1e6 / maxFps) * 0.75; // capture times jitter: a 15 fps camera at 15 keeps every frame
  let lastUs = -Infinity;
  const scale = new TransformStream<VideoFrame, VideoFrame>({
    transform(frame, controller) {
      try {
        if (frame.timestamp - lastUs < minGapUs) return;
        lastUs = frame.timestamp;
        const fit = Math.min(1, maxWidth / frame.displayWidth, maxHeight / frame.displayHeight);
        const width = Math.max(2, Math.round((frame.displayWidth * fit) / 2) * 2);
        const height = Math.max(2, Math.round((frame.displayHeight * fit) / 2) * 2);
        if (canvas.width !== width || canvas.height !== height) {
          canvas.width = width;
          canvas.height = height;
        }
        context.drawImage(frame, 0, 0, width, height);
        controller.enqueue(new VideoFrame(canvas, { timestamp: frame.timestamp }));
      } finally {
        frame.close();
      }
    },
  });
  // Ends when either side stops (the camera unplugged, or stop() below); nothing to report beyond the track ending.
  void new MediaStreamTrackProcessor({ track: source, maxBufferSize: 1 }).readable
    .pipeThrough(scale)
    .pipeTo(generator.writable)
    .catch(() => undefined);
  return {
    track: generator,
    stop() {
      generator.stop();
      source.stop();
    },
  };
}
