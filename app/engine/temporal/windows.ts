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

/** One validation fold: the windows that train and the windows that validate. */
export interface TimeFold {
  readonly train: FeatureWindow[];
  readonly validation: FeatureWindow[];
}

function groupByVideo(windows: readonly FeatureWindow[]): FeatureWindow[][] {
  const byVideo = new Map<string, FeatureWindow[]>();
  for (const w of windows) {
    const list = byVideo.get(w.video);
    if (list) list.push(w);
    else byVideo.set(w.video, [w]);
  }
  return [...byVideo.values()];
}

/**
 * Blocked k-fold split in time: each video's windows are cut into consecutive blocks of up to `blockSize`
 * windows (fewer in a short video, so it still has at least `folds` blocks), and fold `fold` of `folds` holds out
 * the blocks whose index % folds === fold. Blocks rather than one stretch, so every fold samples the whole
 * recording. The windows right beside a held-out block are dropped from training, because overlapping windows
 * would share frames across the split. Per video, so a window never spans two videos and every video appears in
 * every fold: a training folder may hold a single video per class, so holding out whole videos could leave a fold
 * with one class only. Across the `folds` folds, every window is held out exactly once.
 */
export function splitBlockedFold(windows: readonly FeatureWindow[], folds: number, fold: number, blockSize = 5): TimeFold {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be a whole number of at least 2, got ${folds}`);
  if (!Number.isInteger(fold) || fold < 0 || fold >= folds) throw new RangeError(`fold must be in [0, ${folds}), got ${fold}`);
  const train: FeatureWindow[] = [];
  const validation: FeatureWindow[] = [];
  for (const list of groupByVideo(windows)) {
    const size = Math.max(1, Math.min(blockSize, Math.floor(list.length / folds)));
    const heldOut = (i: number) => i >= 0 && Math.floor(i / size) % folds === fold;
    list.forEach((w, i) => {
      if (heldOut(i)) validation.push(w);
      else if (!heldOut(i - 1) && !heldOut(i + 1)) train.push(w);
    });
  }
  return { train, validation };
}

/**
 * All `folds` folds of splitBlockedFold. Refuses more folds than some video has blocks (that video would be
 * missing from a fold's validation part), naming the video.
 */
export function blockedFolds(windows: readonly FeatureWindow[], folds: number, blockSize = 5): TimeFold[] {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`cross-validation needs at least 2 folds, got ${folds}`);
  for (const list of groupByVideo(windows)) {
    // A video of n >= folds windows has at least `folds` blocks (block size <= n / folds); a shorter one has n blocks of 1.
    if (list.length < folds) {
      throw new RangeError(`${folds} folds need at least ${folds} time blocks in every video, but ${list[0]!.video} has ${list.length} window${list.length === 1 ? '' : 's'}, so only ${list.length} block${list.length === 1 ? '' : 's'}`);
    }
  }
  return Array.from({ length: folds }, (_, f) => splitBlockedFold(windows, folds, f, blockSize));
}

/**
 * The single validation split used to train a model: fold `blocks - 1` of `blocks` = round(1 / fraction) blocked
 * folds, i.e. of every `blocks` consecutive blocks the last validates (see splitBlockedFold).
 */
export function splitInTime(windows: readonly FeatureWindow[], fraction: number, blockSize = 5): TimeFold {
  const blocks = Math.max(2, Math.round(1 / fraction));
  return splitBlockedFold(windows, blocks, blocks - 1, blockSize);
}

export function countLabels(windows: readonly FeatureWindow[]): { positive: number; negative: number } {
  const positive = windows.filter((w) => w.label === 1).length;
  return { positive, negative: windows.length - positive };
}
