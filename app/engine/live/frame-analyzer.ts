/**
 * The port between a live session and the face pipeline: one downscaled RGB frame in, its features out.
 * The live session never fakes features: without an analyzer it says why, and the report says so too.
 */
import type { FrameFeatures } from '../features/schema';
import type { RgbFrame } from '../media/frames';

export interface FrameAnalyzer {
  /** Features of one frame; `t` and `frame_index` are the session's, taken from the frame. */
  analyze(frame: RgbFrame): Promise<FrameFeatures>;
  close?(): Promise<void>;
}

export type AnalyzerAvailability = { available: true; analyzer: FrameAnalyzer } | { available: false; reason: string };

/**
 * The analyzer this build has. The on-device face pipeline (app/engine/vision) has no frame-to-features entry
 * point yet, so live frames are received but not analysed, and every screen that needs it says so.
 */
export function loadFrameAnalyzer(): Promise<AnalyzerAvailability> {
  return Promise.resolve({ available: false, reason: 'the on-device face pipeline is not part of this build yet, so camera frames cannot be analysed' });
}
