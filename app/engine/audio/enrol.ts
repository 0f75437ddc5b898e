/**
 * Enrolment of the candidate's voice during calibration: a few seconds of their speech become one Gaussian
 * over MFCC c1..c19 (see voices.ts), kept as plain JSON so a session can store it.
 */
import { z } from 'zod';
import { AudioAnalyzer } from './analyzer';
import { GaussianStats } from './gaussian';
import type { SileroVad } from './vad';
import { FRAME_SEC, VOICE_DIMS, VOICE_FIRST, type Enrolment } from './voices';

/** Seconds of speech enrolment needs: fewer make the voice model too noisy to compare against. */
export const MIN_ENROL_SPEECH_SEC = 3;

export class EnrolmentError extends Error {
  constructor(readonly speechSec: number) {
    super(`not enough speech to enrol the candidate's voice: ${speechSec.toFixed(1)} s heard, ${MIN_ENROL_SPEECH_SEC} s needed`);
    this.name = 'EnrolmentError';
  }
}

export async function enrolVoice(samples: Float32Array, vad: SileroVad): Promise<Enrolment> {
  const analyzer = new AudioAnalyzer(vad, { keepSpeechFrames: true });
  await analyzer.push(samples);
  await analyzer.finish();
  const speechSec = analyzer.speechFrames.length * FRAME_SEC;
  if (speechSec < MIN_ENROL_SPEECH_SEC) throw new EnrolmentError(speechSec);
  return { stats: GaussianStats.of(analyzer.speechFrames, VOICE_FIRST, VOICE_DIMS), speechSec };
}

const StoredEnrolment = z.object({
  version: z.literal(1),
  speechSec: z.number().nonnegative(),
  stats: z.object({ n: z.number().int().positive(), sum: z.array(z.number()).length(VOICE_DIMS), sumSq: z.array(z.number()).length(VOICE_DIMS) }),
});

export function enrolmentToJson(e: Enrolment): z.infer<typeof StoredEnrolment> {
  return { version: 1, speechSec: e.speechSec, stats: e.stats.toJSON() };
}

export function enrolmentFromJson(value: unknown): Enrolment {
  const parsed = StoredEnrolment.parse(value);
  return { speechSec: parsed.speechSec, stats: GaussianStats.fromJSON(parsed.stats) };
}
