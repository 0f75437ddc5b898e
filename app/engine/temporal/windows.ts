/**
 * Cuts each video into windows of `window` frames that overlap by `overlap` frames (a new window every
 * window - overlap frames). A window is labelled cheating if any of its frames is: a short glance at notes is
 * the very thing the model must catch. Windows never span two videos.
 */
import type { FeatureVideo } from './csv';

export interface FeatureWindow {
  readonly video: string;
  /** Index of the window's first frame in its video. */
  readonly start: number;
  /** Time of the window's last frame: when a live scorer would emit this window's score. */
  readonly t: number;
  /** window x columns, row-major. */
  readonly values: Float32Array;
  readonly label: 0 | 1;
}

export function windowsOf(video: FeatureVideo, window: number, overlap: number): FeatureWindow[] {
  if (!Number.isInteger(window) || window < 1) throw new Error(`window must be a positive integer, got ${window}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= window) throw new Error(`overlap must be in [0, window), got ${overlap}`);
  const stride = window - overlap;
  const width = video.rows[0]?.length ?? 0;
  const out: FeatureWindow[] = [];
  for (let start = 0; start + window <= video.rows.length; start += stride) {
    const values = new Float32Array(window * width);
    let label: 0 | 1 = 0;
    for (let i = 0; i < window; i++) {
      values.set(video.rows[start + i]!, i * width);
      if (video.labels[start + i] === 1) label = 1;
    }
    out.push({ video: video.id, start, t: video.times[start + window - 1]!, values, label });
  }
  return out;
}

/** Windows of every video, in video order. */
export function windowsOfAll(videos: readonly FeatureVideo[], window: number, overlap: number): FeatureWindow[] {
  return videos.flatMap((v) => windowsOf(v, window, overlap));
}

/**
 * Splits each video's windows in time, in blocks: of every `blocks` consecutive blocks of up to `blockSize`
 * windows (fewer in a short video, so it still has one of each), the last validates and the others train, so validation samples the whole recording rather than only its
 * end (where behaviour may differ). The windows right beside a validation block are dropped, because
 * overlapping windows would share frames across the split. Used because a training folder may hold a single
 * video per class, so holding out whole videos could leave validation with one class only.
 */
export function splitInTime(windows: readonly FeatureWindow[], fraction: number, blockSize = 5): { train: FeatureWindow[]; validation: FeatureWindow[] } {
  const blocks = Math.max(2, Math.round(1 / fraction));
  const byVideo = new Map<string, FeatureWindow[]>();
  for (const w of windows) {
    const list = byVideo.get(w.video);
    if (list) list.push(w);
    else byVideo.set(w.video, [w]);
  }
  const train: FeatureWindow[] = [];
  const validation: FeatureWindow[] = [];
  for (const list of byVideo.values()) {
    const size = Math.max(1, Math.min(blockSize, Math.floor(list.length / blocks)));
    const isValidation = (i: number) => i >= 0 && Math.floor(i / size) % blocks === blocks - 1;
    list.forEach((w, i) => {
      if (isValidation(i)) validation.push(w);
      else if (!isValidation(i - 1) && !isValidation(i + 1)) train.push(w);
    });
  }
  return { train, validation };
}

export function countLabels(windows: readonly FeatureWindow[]): { positive: number; negative: number } {
  const positive = windows.filter((w) => w.label === 1).length;
  return { positive, negative: windows.length - positive };
}
