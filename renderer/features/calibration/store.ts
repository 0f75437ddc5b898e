import { create } from 'zustand';
import type { PolicyView, ResponseOf } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';
import { useCaptureStore } from '../capture/store';
import { problemFrom } from '../flow/problems';
import type { Problem } from '../flow/store';

type Verdict = ResponseOf<'session.calibrate'>;

export interface CalibrationState {
  readonly phase: 'idle' | 'starting' | 'watching' | 'judging' | 'done' | 'error';
  readonly seconds: number;
  readonly verdict?: Verdict;
  readonly vision?: { available: boolean; reason: string | null };
  readonly problem?: Problem;
  /** Starts the exam session (its clock starts now), watches for policy.calibration.seconds, then asks the engine. */
  run(policy: PolicyView): Promise<void>;
}

export const useCalibrationStore = create<CalibrationState>((set) => ({
  phase: 'idle',
  seconds: 0,
  async run(policy) {
    set({ phase: 'starting', verdict: undefined, problem: undefined });
    try {
      const capture = useCaptureStore.getState();
      const session = await capture.startSession(policy);
      set({ phase: 'watching', seconds: session.calibrationSeconds, vision: session.vision });
      // The engine calibrates on the session's first seconds; wait until they have passed and the frames arrived.
      await new Promise((r) => setTimeout(r, session.calibrationSeconds * 1000 + 2000 / session.processingFps));
      set({ phase: 'judging' });
      const verdict = await invoke('session.calibrate', { sessionId: session.sessionId });
      set({ phase: 'done', verdict });
    } catch (error) {
      set({ phase: 'error', problem: problemFrom(error, 'Calibration') });
    }
  },
}));
