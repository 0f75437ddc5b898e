/**
 * Identity: a photo of the candidate's face is enrolled by the engine, then a short challenge (blink twice,
 * turn the head to each side) is judged by the engine frame by frame. Without the face pipeline the state
 * says why; a pass is only ever the engine's.
 */
import { create } from 'zustand';
import type { ResponseOf } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';
import { useCaptureStore } from '../capture/store';
import { grabFrame, startFrameSender } from '../capture/frame-sender';
import { problemFrom } from '../flow/problems';
import type { Problem } from '../flow/store';

type Progress = ResponseOf<'identity.frame'>;

/** How long the candidate has for the challenge before it counts as not passed. */
export const CHALLENGE_SECONDS = 15;
const CHALLENGE_FPS = 4;

export interface IdentityState {
  readonly phase: 'idle' | 'enrolling' | 'unavailable' | 'challenge' | 'passed' | 'not-passed' | 'error';
  readonly reason?: string;
  readonly progress?: Progress;
  readonly secondsLeft: number;
  readonly problem?: Problem;
  /** Takes the photo and enrols it; on success starts the challenge. */
  enroll(): Promise<void>;
  stop(): void;
}

let sender: { stop(): void } | undefined;
let countdown: ReturnType<typeof setInterval> | undefined;

export const useIdentityStore = create<IdentityState>((set, get) => ({
  phase: 'idle',
  secondsLeft: CHALLENGE_SECONDS,
  async enroll() {
    get().stop();
    set({ phase: 'enrolling', progress: undefined, reason: undefined, problem: undefined });
    try {
      const video = await useCaptureStore.getState().video();
      // A few tries, half a second apart: the candidate may be moving into place.
      let result: ResponseOf<'identity.enroll'> = { enrolled: false, reason: 'the camera has not delivered a picture yet' };
      for (let attempt = 0; attempt < 4 && !result.enrolled; attempt += 1) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 500));
        const frame = grabFrame(video);
        if (frame) result = await invoke('identity.enroll', { ...frame });
        if (result.reason && result.reason !== 'no face was found in the photo' && result.reason !== 'the camera has not delivered a picture yet') break;
      }
      if (!result.enrolled) return set({ phase: 'unavailable', reason: result.reason ?? 'unknown reason' });
      const started = performance.now();
      set({ phase: 'challenge', secondsLeft: CHALLENGE_SECONDS });
      countdown = setInterval(() => {
        const left = Math.max(0, CHALLENGE_SECONDS - Math.floor((performance.now() - started) / 1000));
        set({ secondsLeft: left });
        if (left === 0) {
          get().stop();
          if (get().phase === 'challenge') set({ phase: 'not-passed' });
        }
      }, 250);
      sender = startFrameSender({
        video,
        fps: CHALLENGE_FPS,
        clock: () => (performance.now() - started) / 1000,
        send: (f) => invoke('identity.frame', f),
        onOutcome: (progress) => {
          set({ progress });
          if (progress.passed) {
            get().stop();
            set({ phase: 'passed' });
          }
        },
        onError: (error) => {
          get().stop();
          set({ phase: 'error', problem: problemFrom(error, 'The identity check') });
        },
      });
    } catch (error) {
      set({ phase: 'error', problem: problemFrom(error, 'The identity check') });
    }
  },
  stop() {
    sender?.stop();
    sender = undefined;
    if (countdown) clearInterval(countdown);
    countdown = undefined;
  },
}));
