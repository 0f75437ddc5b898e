import { create } from 'zustand';
import type { FinishedSession } from '../../../app/ipc/contract';
import { useCaptureStore } from '../capture/store';
import { problemFrom } from '../flow/problems';
import type { Problem } from '../flow/store';

export interface FinishState {
  readonly phase: 'idle' | 'storing' | 'stored' | 'error';
  readonly result?: FinishedSession;
  readonly problem?: Problem;
  run(): Promise<void>;
}

export const useFinishStore = create<FinishState>((set) => ({
  phase: 'idle',
  async run() {
    set({ phase: 'storing', problem: undefined });
    try {
      set({ phase: 'stored', result: await useCaptureStore.getState().finish() });
    } catch (error) {
      set({ phase: 'error', problem: problemFrom(error, 'Storing your exam session') });
    }
  },
}));
