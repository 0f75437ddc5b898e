/**
 * Voice enrolment: the candidate reads one sentence aloud from the microphone the app already opened; the engine
 * learns the voice from it (`voice.enrol`) so that during the exam it can tell the candidate's voice from someone
 * else's. Too little speech is an answer, not an error: the candidate may try again or go on without it
 * (`voice.skip`), and the report says which.
 */
import { create } from 'zustand';
import { invoke } from '../../lib/ipc-client';
import { pcm16Base64 } from '../capture/pcm16';
import { recordSpeech, type SpeechRecording } from '../capture/speech-recorder';
import { useCaptureStore } from '../capture/store';
import { problemFrom } from '../flow/problems';
import type { Problem } from '../flow/store';

/** About six seconds read at an ordinary pace; the engine needs three seconds of speech. */
export const SENTENCE = 'I am taking this exam on my own today, and I will answer every question in my own words.';
/** How long Vigil listens at most; the candidate may say they have finished earlier. */
export const LISTEN_SECONDS = 8;

export interface VoiceState {
  readonly phase: 'idle' | 'listening' | 'checking' | 'enrolled' | 'too-little' | 'no-microphone' | 'error';
  readonly secondsLeft: number;
  /** Seconds of speech the engine heard in the last try, and how many it needs. */
  readonly heard?: number;
  readonly needed?: number;
  readonly problem?: Problem;
  /** Listens while the candidate reads, then asks the engine to enrol the voice. */
  listen(): Promise<void>;
  /** The candidate has finished reading before the time is up. */
  finishedReading(): void;
  /** Goes on without an enrolled voice; true once the engine has noted why. */
  skip(): Promise<boolean>;
}

let recording: SpeechRecording | undefined;

export const useVoiceStore = create<VoiceState>((set) => ({
  phase: 'idle',
  secondsLeft: LISTEN_SECONDS,
  async listen() {
    set({ phase: 'listening', secondsLeft: LISTEN_SECONDS, heard: undefined, needed: undefined, problem: undefined });
    try {
      const stream = await useCaptureStore.getState().openStream();
      recording = recordSpeech(stream, LISTEN_SECONDS);
      if (!recording) return set({ phase: 'no-microphone' });
      const started = performance.now();
      const countdown = setInterval(() => set({ secondsLeft: Math.max(0, LISTEN_SECONDS - Math.floor((performance.now() - started) / 1000)) }), 250);
      const samples = await recording.done.finally(() => clearInterval(countdown));
      recording = undefined;
      set({ phase: 'checking' });
      const answer = await invoke('voice.enrol', { samples: pcm16Base64(samples) });
      set({ phase: answer.enrolled ? 'enrolled' : 'too-little', heard: answer.speechSec, needed: answer.neededSec });
    } catch (error) {
      set({ phase: 'error', problem: problemFrom(error, 'The voice check') });
    }
  },
  finishedReading() {
    recording?.stop();
  },
  async skip() {
    recording?.stop();
    try {
      await invoke('voice.skip', {});
      return true;
    } catch (error) {
      set({ phase: 'error', problem: problemFrom(error, 'The voice check') });
      return false;
    }
  },
}));
