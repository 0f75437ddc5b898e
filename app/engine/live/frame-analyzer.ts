/**
 * The port between a live session and the face pipeline: one downscaled RGB frame in, its features out.
 * The engine opens the on-device pipeline (app/engine/vision) once and shares it between the system check,
 * identity enrolment and sessions; when it cannot open (models missing and not convertible), every screen that
 * needs it says why, and nothing is faked.
 */
import type { FrameFeatures } from '../features/schema';
import type { RgbFrame } from '../media/frames';
import type { ExamPolicy } from '../policy/policy';
import { detectorRates } from '../session/analyze-file';
import { VisionPipeline, type SlowModelRates } from '../vision/pipeline';

/**
 * One frame's answer. The liveness evidence travels with its own frame: a live session has up to 12 frames in
 * flight, so evidence kept on the side for "the last frame" was overwritten by the frames after it (issue #21).
 */
export interface AnalysedFrame {
  readonly features: FrameFeatures;
  /** Set on the pipeline's liveness frames (about one a second, as in `vigil analyze`); else null. */
  readonly livenessEvidence: Float32Array | null;
}

export interface FrameAnalyzer {
  /** Features of one frame; `t` and `frame_index` are the session's, taken from the frame. */
  analyze(frame: RgbFrame): Promise<AnalysedFrame>;
  /**
   * Enrols the face in `frame` (the identity photo); false when there is no face. Usable frames analysed until the
   * next `reset()` that match it at `matchAtLeast` join the enrolment (app/engine/vision/enrolment.ts).
   */
  enroll(frame: RgbFrame, matchAtLeast: number): Promise<boolean>;
  /** How many frames the enrolled face is built from (0: none enrolled); after `reset()`, final. */
  enrolledFrames?(): Promise<number>;
  /** Forgets tracked faces (a new session starts); keeps the enrolled identity and closes its enrolment. */
  reset(): void;
  /** The slower models' rates for the policy in force (those it turns off do not run). */
  setRates?(rates: SlowModelRates): void;
}

export type AnalyzerAvailability = { available: true; analyzer: FrameAnalyzer } | { available: false; reason: string };

let shared: Promise<AnalyzerAvailability> | undefined;

async function openPipeline(): Promise<AnalyzerAvailability> {
  try {
    // Once a second at any live rate: the detector re-runs by frame count.
    const pipeline = await VisionPipeline.open({ threads: 1 });
    // Opened at the system check, well before the session: its first frames then cost what the others do. Not
    // awaited, so the system check does not wait for it; a frame handed in meanwhile waits behind it (in order).
    void pipeline.warmUp().catch(() => undefined);
    return {
      available: true,
      analyzer: {
        analyze: async (frame) => {
          const result = await pipeline.process(frame);
          return { features: result.features, livenessEvidence: result.livenessEvidence ?? null };
        },
        enroll: (frame, matchAtLeast) => pipeline.enroll(frame, matchAtLeast),
        enrolledFrames: () => pipeline.enrolledFrames(),
        reset: () => pipeline.reset(),
        setRates: (rates) => pipeline.setRates(rates),
      },
    };
  } catch (error) {
    return { available: false, reason: `the on-device face pipeline could not start (${(error as Error).message})` };
  }
}

/** The engine's face pipeline, opened on first use and kept; a failure is remembered with its reason. */
export function loadFrameAnalyzer(): Promise<AnalyzerAvailability> {
  shared ??= openPipeline();
  return shared;
}

/** Off detectors stay off: a policy without the face detector gets no analyzer, and says so. */
export async function analyzerFor(policy: ExamPolicy): Promise<AnalyzerAvailability> {
  if (!policy.detectors.face) return { available: false, reason: 'this exam policy turns the face detector off' };
  const availability = await loadFrameAnalyzer();
  // The policy's detectors as `vigil analyze` runs them: the same slower models on the same frames.
  if (availability.available) availability.analyzer.setRates?.(detectorRates(policy));
  return availability;
}
