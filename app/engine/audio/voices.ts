/**
 * Voices in a window (about 3 s): none, one, or more than one, and whether the speech is someone other than
 * the enrolled candidate. "More than one" comes from the session's speaker clusters (clusters.ts) present in
 * the window; "someone else" from the window's MFCC frames (c1..c19) against the enrolled voice. See
 * README.md for the method and why these tests.
 */
import { GaussianStats, glrPerFrame } from './gaussian';
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
  /** Seconds of the window's speech in each session speaker cluster present, largest first. */
  readonly clusterSec: readonly number[];
  /** ΔBIC per frame that merging the window's two largest clusters would cost (> 0: apart); null with one cluster. */
  readonly clusterScore: number | null;
  /** GLR per frame against the enrolled voice (null without enrolment or speech). */
  readonly foreignScore: number | null;
  /** Highest and lowest block scores against the enrolled voice. */
  readonly blockScores: readonly number[] | null;
  /** True when the speech is not the candidate's; null without enrolment or enough speech. */
  readonly foreign: boolean | null;
  /** Which tests said "more than one" or "someone else". */
  readonly reasons: readonly ('speaker_clusters' | 'candidate_and_other' | 'foreign_voice')[];
}

/** What the session clustering says about one window. */
export interface WindowClusters {
  /** Seconds of the window's speech per cluster, largest first. */
  readonly seconds: readonly number[];
  /** ΔBIC per frame of merging the two largest (null with fewer than two). */
  readonly score: number | null;
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
  clusters: WindowClusters = { seconds: [], score: null },
): VoiceWindow {
  const speechSec = speechFrames.length * FRAME_SEC;
  const clusterSec = clusters.seconds;
  const clusterScore = clusters.score;
  const empty = { start, end, speechSec, maxSpeechProb, clusterSec, clusterScore, foreignScore: null, blockScores: null, foreign: null };
  if (speechSec < thresholds.minSpeechSec) return { ...empty, voices: 0, reasons: [] };

  const reasons: VoiceWindow['reasons'][number][] = [];
  if (clusterSec.filter((s) => s >= thresholds.minClusterSec).length >= 2) reasons.push('speaker_clusters');
  // Too little speech to compare with the enrolled voice: two clusters stand only without an enrolment (see below).
  if (speechSec < thresholds.minJudgeSec) return enrolment ? { ...empty, voices: 1, reasons: [] } : { ...empty, voices: reasons.length ? 2 : 1, reasons };

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
    // With the candidate enrolled, two clusters are only another person if some of the window is clearly not
    // the candidate (the window, or a block beyond what the candidate's own blocks reach): a candidate whose
    // tone changes between sentences must not count as two people.
    const notCandidateAnywhere = foreign || blockScores.some((b) => b > thresholds.foreignBlock);
    if (!notCandidateAnywhere && reasons.includes('speaker_clusters')) reasons.splice(reasons.indexOf('speaker_clusters'), 1);
  }
  const voices = reasons.includes('speaker_clusters') || reasons.includes('candidate_and_other') ? 2 : 1;
  return { start, end, speechSec, maxSpeechProb, voices, clusterSec, clusterScore, foreignScore, blockScores, foreign, reasons };
}
