/**
 * Decision thresholds of voice analysis, and what each was tuned on. `vigil eval audio` re-derives them from
 * the same tuning data and prints them beside these values, so a change is visible and reproducible.
 * Tuning data never overlaps the data the figures are reported on (see README.md, "Evaluation").
 */
export interface VoiceThresholds {
  /** Minimum speech in a window for it to count as speech at all (seconds). */
  readonly minSpeechSec: number;
  /** Minimum speech (seconds) before a window's voices are judged; below it a speaking window counts as one voice. */
  readonly minJudgeSec: number;
  /** Speech pieces clustered across the session are this long (seconds; shorter where a pause ends them). */
  readonly pieceSec: number;
  /** BIC penalty weight of the session clustering's stopping rule: larger keeps more pieces together. */
  readonly clusterLambda: number;
  /** A window holds more than one voice when at least two session clusters each have this much speech in it (seconds). */
  readonly minClusterSec: number;
  /** GLR per frame of a window against the enrolled voice above which it is someone else: 95th percentile of the same speaker's windows. */
  readonly foreign: number;
  /** Same test on ~1 s blocks: one block above `foreignBlock` and one below `candidateBlock` mean the candidate and someone else. */
  readonly foreignBlock: number;
  readonly candidateBlock: number;
}

export const DEFAULT_VOICE_THRESHOLDS: VoiceThresholds = {
  minSpeechSec: 0.25,
  minJudgeSec: 1.0,
  pieceSec: 1.5,
  minClusterSec: 0.3,
  // Chosen by `vigil eval audio` (its "tuned" block): the λ of a small grid with the highest multiple-voices
  // recall on the speakers/ development split among those flagging at most 5 % of the windows of the
  // single-speaker/ tuning speakers (1688, 1998, 2033, 2414, 2609); ties go to the larger λ.
  clusterLambda: 2.5,
  // Derived by `vigil eval audio` from the same tuning speakers, each enrolled from 8 s of their speech.
  foreign: 3.51,
  foreignBlock: 5.9,
  candidateBlock: 2.6,
};
