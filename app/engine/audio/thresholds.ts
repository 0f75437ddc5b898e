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
  /** BIC penalty weight of the change test. */
  readonly bicLambda: number;
  /** ΔBIC per frame above which a window holds two voices: 95th percentile over single-speaker tuning windows. */
  readonly change: number;
  /** GLR per frame of a window against the enrolled voice above which it is someone else: 95th percentile of the same speaker's windows. */
  readonly foreign: number;
  /** Same test on ~1 s blocks: one block above `foreignBlock` and one below `candidateBlock` mean the candidate and someone else. */
  readonly foreignBlock: number;
  readonly candidateBlock: number;
}

export const DEFAULT_VOICE_THRESHOLDS: VoiceThresholds = {
  minSpeechSec: 0.25,
  minJudgeSec: 1.0,
  bicLambda: 1,
  // Derived by `vigil eval audio` (its "tuned" block) from single-speaker/ speakers 1688, 1998, 2033, 2414, 2609,
  // each enrolled from 8 s of their speech.
  change: 1.71,
  foreign: 3.51,
  foreignBlock: 5.9,
  candidateBlock: 2.6,
};
