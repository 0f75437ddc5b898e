/**
 * Identity: a photo of the candidate's face is enrolled by the engine, then a short challenge (blink twice,
 * turn the head to each side) is judged by the engine frame by frame. The photo and the challenge frames go as
 * bytes at the camera's own size, like the exam's (capture/frame-stream.ts), labelled with the identity step's id.
 * Without the face pipeline the state says why; a pass is only ever the engine's.
 */
import { create } from 'zustand';
import type { FrameBytesAnswer, IdentityEnrolment, IdentityProgress } from '../../../app/ipc/contract';
import { invoke, sendFrame } from '../../lib/ipc-client';
import { useCaptureStore } from '../capture/store';
import { canReadTrackFrames, startFrameStream, takeFrame, type FrameStream } from '../capture/frame-stream';
import { problemFrom } from '../flow/problems';
import type { Problem } from '../flow/store';

type Progress = IdentityProgress;

/** A frame the engine refused is an error here: the identity step has no frames to spare. */
function refusal(answer: Extract<FrameBytesAnswer, { ok: false }>): Error {
  return new Error(`${answer.error.code}: ${answer.error.message}`);
}

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

let sender: FrameStream | undefined;
let countdown: ReturnType<typeof setInterval> | undefined;

export const useIdentityStore = create<IdentityState>((set, get) => ({
  phase: 'idle',
  secondsLeft: CHALLENGE_SECONDS,
  async enroll() {
    get().stop();
    set({ phase: 'enrolling', progress: undefined, reason: undefined, problem: undefined });
    try {
      const capture = useCaptureStore.getState();
      const track = (await capture.openStream()).getVideoTracks()[0];
      if (!track) throw new Error('camera_lost: the camera stream has no video');
      const video = canReadTrackFrames() ? undefined : await capture.video();
      const { identityId } = await invoke('identity.begin', {});
      // A few tries, half a second apart: the candidate may be moving into place.
      let result: IdentityEnrolment = { enrolled: false, reason: 'the camera has not delivered a picture yet' };
      for (let attempt = 0; attempt < 4 && !result.enrolled; attempt += 1) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 500));
        const answer = await sendFrame(await takeFrame(track, { sessionId: identityId, purpose: 'enrol', seq: attempt, t: 0 }, video));
        if (!answer.ok) throw refusal(answer);
        if ('enrolment' in answer) result = answer.enrolment;
        if (result.reason && result.reason !== 'no face was found in the photo') break;
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
      const failed = (error: Error) => {
        get().stop();
        set({ phase: 'error', problem: problemFrom(error, 'The identity check') });
      };
      const stream = await startFrameStream({
        track,
        sessionId: identityId,
        purpose: 'identity',
        fps: CHALLENGE_FPS,
        send: sendFrame,
        onAnswer: (answer) => {
          if (!('identity' in answer) || get().phase !== 'challenge') return;
          const progress = answer.identity;
          set({ progress });
          if (progress.passed) {
            get().stop();
            set({ phase: 'passed' });
          }
        },
        onRefused: (error) => failed(new Error(`${error.code}: ${error.message}`)),
        onError: failed,
        ...(video ? { video } : {}),
      });
      // Stopped (time up, or the candidate went on) while the stream was starting.
      if (get().phase !== 'challenge') void stream.stop();
      else sender = stream;
    } catch (error) {
      set({ phase: 'error', problem: problemFrom(error, 'The identity check') });
    }
  },
  stop() {
    void sender?.stop();
    sender = undefined;
    if (countdown) clearInterval(countdown);
    countdown = undefined;
  },
}));
