/**
 * Voices in a window (about 3 s): none, one, or more than one, and whether the speech is someone other than
 * the enrolled candidate. Works on the MFCC frames (c1..c19) of the window's speech; see README.md for the
 * method and why these tests.
 */
import { GaussianStats, bestSplitDeltaBic, glrPerFrame } from './gaussian';
import type { VoiceThresholds } from './thresholds';

/** MFCC coefficients used for voices: c1..c19. c0 (loudness) is left out so distance to the microphone does not make a new voice. */
export const VOICE_FIRST = 1;
export const VOICE_DIMS = 19;
/** Seconds between MFCC frames (hop 256 at 16 kHz). */
export const FRAME_SEC = 256 / 16_000;

export interface VoiceWindow {
  readonly start: number;
  readonly end: number;
  /** Seconds of speech in the window (frames the VAD called speech). */
  readonly speechSec: number;
  /** Highest VAD speech probability in the window. */
  readonly maxSpeechProb: number;
  /** 0 no speech, 1 one voice, 2 more than one (overlap counts). */
  readonly voices: 0 | 1 | 2;
  /** ΔBIC per frame of the best split (null with too little speech to judge). */
  readonly changeScore: number | null;
  /** GLR per frame against the enrolled voice (null without enrolment or speech). */
  readonly foreignScore: number | null;
  /** Highest and lowest block scores against the enrolled voice. */
  readonly blockScores: readonly number[] | null;
  /** True when the speech is not the candidate's; null without enrolment or enough speech. */
  readonly foreign: boolean | null;
  /** Which tests said "more than one" or "someone else". */
  readonly reasons: readonly ('voice_change' | 'candidate_and_other' | 'foreign_voice')[];
}

export interface Enrolment {
  readonly stats: GaussianStats;
  readonly speechSec: number;
}

const BLOCK_FRAMES = Math.round(1 / FRAME_SEC);

export function judgeWindow(
  start: number,
  end: number,
  speechFrames: readonly Float64Array[],
  maxSpeechProb: number,
  thresholds: VoiceThresholds,
  enrolment: Enrolment | null,
): VoiceWindow {
  const speechSec = speechFrames.length * FRAME_SEC;
  const empty = { start, end, speechSec, maxSpeechProb, changeScore: null, foreignScore: null, blockScores: null, foreign: null, reasons: [] };
  if (speechSec < thresholds.minSpeechSec) return { ...empty, voices: 0 };
  if (speechSec < thresholds.minJudgeSec) return { ...empty, voices: 1 };

  const reasons: VoiceWindow['reasons'][number][] = [];
  const minSide = Math.round(0.4 / FRAME_SEC);
  const change = bestSplitDeltaBic(speechFrames, VOICE_FIRST, VOICE_DIMS, thresholds.bicLambda, minSide).score;
  if (change > thresholds.change) reasons.push('voice_change');

  let foreignScore: number | null = null;
  let blockScores: number[] | null = null;
  let foreign: boolean | null = null;
  if (enrolment) {
    foreignScore = glrPerFrame(enrolment.stats, GaussianStats.of(speechFrames, VOICE_FIRST, VOICE_DIMS));
    foreign = foreignScore > thresholds.foreign;
    if (foreign) reasons.push('foreign_voice');
    blockScores = [];
    for (let i = 0; i + BLOCK_FRAMES / 2 <= speechFrames.length; i += BLOCK_FRAMES) {
      blockScores.push(glrPerFrame(enrolment.stats, GaussianStats.of(speechFrames.slice(i, i + BLOCK_FRAMES), VOICE_FIRST, VOICE_DIMS)));
    }
    if (blockScores.length >= 2 && Math.max(...blockScores) > thresholds.foreignBlock && Math.min(...blockScores) < thresholds.candidateBlock) reasons.push('candidate_and_other');
    // With the candidate enrolled, a change of voice is only another person if some of the window is not the
    // candidate: a candidate who changes tone between two sentences must not count as two people.
    const notCandidateAnywhere = foreign || blockScores.some((b) => b > thresholds.foreign);
    if (!notCandidateAnywhere && reasons.includes('voice_change')) reasons.splice(reasons.indexOf('voice_change'), 1);
  }
  const voices = reasons.includes('voice_change') || reasons.includes('candidate_and_other') ? 2 : 1;
  return { start, end, speechSec, maxSpeechProb, voices, changeScore: change, foreignScore, blockScores, foreign, reasons };
}
