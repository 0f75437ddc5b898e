/**
 * The candidate's voice, enrolled before the session: during the identity step the candidate reads a sentence
 * aloud, the candidate app sends those seconds of microphone audio, and they become the enrolment
 * (app/engine/audio/enrol.ts) that every session started afterwards judges its voice windows against. It outlives
 * a restarted session (a failed calibration), as the face enrolment does. Too little speech is the candidate's
 * to fix, not an engine failure: the answer says how much was heard, the candidate may try again or go on
 * without it, and the report says why the voice was not enrolled.
 */
import { EnrolmentError, SileroVad, enrolVoice, type Enrolment } from '../audio';
import { MIN_ENROL_SPEECH_SEC } from '../audio/enrol';
import { RpcFailure } from '../rpc/protocol';
import { NO_VOICE_STEP, type CandidateVoice } from './live-audio';

export interface EnrolAnswer {
  enrolled: boolean;
  /** Seconds of speech the voice activity detector heard in what was sent. */
  speechSec: number;
  neededSec: number;
  reason: string | null;
}

/** 16-bit little-endian PCM as base64 (what the candidate app sends) -> float samples in [-1, 1]. */
export function pcm16FromBase64(samples: string): Float32Array {
  const pcm = Buffer.from(samples, 'base64');
  if (pcm.byteLength % 2 !== 0) throw new RpcFailure('bad_audio', `audio is ${pcm.byteLength} bytes; 16-bit samples need an even count`);
  const ints = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
  return Float32Array.from(ints, (v) => v / 32768);
}

export class VoiceEnrolment {
  private enrolment: Enrolment | undefined;
  /** Why the last try did not enrol (too little speech). */
  private failure: string | undefined;
  private skipped = false;

  /** The voice the next session starts with: enrolled, or why not. */
  get current(): CandidateVoice {
    return this.enrolment ? { enrolment: this.enrolment } : { enrolment: null, reason: this.whyNot() };
  }

  private whyNot(): string {
    if (this.failure) return this.skipped ? `${this.failure}; the candidate went on without it` : this.failure;
    return this.skipped ? 'the candidate skipped the voice step' : NO_VOICE_STEP.reason;
  }

  /** Enrols the voice from 16 kHz mono samples; a later enrolment replaces an earlier one. */
  async enrol(samples: Float32Array): Promise<EnrolAnswer> {
    this.skipped = false;
    this.enrolment = undefined;
    this.failure = undefined;
    const vad = await SileroVad.load();
    try {
      this.enrolment = await enrolVoice(samples, vad);
      return { enrolled: true, speechSec: round(this.enrolment.speechSec), neededSec: MIN_ENROL_SPEECH_SEC, reason: null };
    } catch (error) {
      if (!(error instanceof EnrolmentError)) throw error;
      this.failure = error.message;
      return { enrolled: false, speechSec: round(error.speechSec), neededSec: MIN_ENROL_SPEECH_SEC, reason: error.message };
    } finally {
      await vad.release();
    }
  }

  /** The candidate goes on without an enrolled voice (after a failed try, or without trying). */
  skip(): { enrolled: false; reason: string } {
    this.enrolment = undefined;
    this.skipped = true;
    return { enrolled: false, reason: this.whyNot() };
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
