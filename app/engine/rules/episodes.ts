/**
 * Turns a per-frame condition into episodes: an episode opens once the condition has held for `minFrames`
 * consecutive measured frames and closes when it stops holding for longer than `mergeGapSec`. Frames where the
 * condition cannot be measured (null: detector did not run on this frame) neither count nor break an episode,
 * so detectors that run at a lower rate still form continuous episodes.
 */
import type { FrameFeatures } from '../features/schema';

export interface Episode {
  start: number;
  end: number;
  firstFrame: number;
  lastFrame: number;
  frames: number;
  /** The strongest signal seen, as reported by the condition (e.g. the largest yaw excess). */
  peak: number;
  /** The frame that gave the peak (for evidence that names what was seen there, e.g. an object's box). */
  peakFrame?: FrameFeatures;
}

/** Returns the signal strength (> 0 when the condition holds, 0 when it does not) or null when unmeasured. */
export type Condition = (frame: FrameFeatures) => number | null;

export class EpisodeDetector {
  private run: Episode | undefined;
  private open = false;
  private lastTrueT = -Infinity;

  constructor(
    private readonly condition: Condition,
    private readonly minFrames: number,
    private readonly mergeGapSec: number,
    private readonly onOpen?: (episode: Episode) => void,
  ) {}

  /** Feeds one frame; returns an episode if one just closed. */
  push(frame: FrameFeatures): Episode | undefined {
    const signal = this.condition(frame);
    if (signal === null) return undefined;
    if (signal > 0) {
      if (this.run && (this.open || frame.t - this.lastTrueT <= this.mergeGapSec)) {
        this.run.end = frame.t;
        this.run.lastFrame = frame.frame_index;
        this.run.frames += 1;
        if (signal > this.run.peak) {
          this.run.peak = signal;
          this.run.peakFrame = frame;
        }
      } else {
        const closed = this.closeIfOpen();
        this.run = { start: frame.t, end: frame.t, firstFrame: frame.frame_index, lastFrame: frame.frame_index, frames: 1, peak: signal, peakFrame: frame };
        if (closed) {
          this.lastTrueT = frame.t;
          this.maybeOpen();
          return closed;
        }
      }
      this.lastTrueT = frame.t;
      this.maybeOpen();
      return undefined;
    }
    // Condition false: a run that never reached minFrames is dropped at once (consecutive frames are required);
    // an open episode survives short gaps.
    if (this.run && !this.open) this.run = undefined;
    if (this.open && frame.t - this.lastTrueT > this.mergeGapSec) return this.closeIfOpen();
    return undefined;
  }

  /** Closes whatever is open at the end of the stream. */
  flush(): Episode | undefined {
    return this.closeIfOpen();
  }

  private maybeOpen(): void {
    if (!this.open && this.run && this.run.frames >= this.minFrames) {
      this.open = true;
      this.onOpen?.({ ...this.run });
    }
  }

  private closeIfOpen(): Episode | undefined {
    const episode = this.open ? this.run : undefined;
    this.run = undefined;
    this.open = false;
    return episode;
  }
}
