/**
 * How a recording becomes Chromium's fake camera, shared by the specs' media (media.ts) and `vigil bench live`
 * (no vitest here, so the CLI can use it).
 */

/** A webcam's sensor noise, new in every frame. */
export const SENSOR_NOISE = 'noise=alls=5:allf=t+u';

/**
 * Y4M at 15 fps: Chromium plays it at its own rate with nothing to decode. (An .mjpeg file is played at 30 fps and
 * decoded frame by frame; on a busy machine the fake camera then falls behind the clock, by 0.4 s in 12 s as
 * measured here, and the file's time is no longer the session's.) 640x480 I420 is 0.46 MB a frame, 7 MB a second.
 */
export const CAMERA_FPS = 15;

/** ffmpeg output options for a fake-camera file. */
export const CAMERA_OUT = ['-r', String(CAMERA_FPS), '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe'] as const;
