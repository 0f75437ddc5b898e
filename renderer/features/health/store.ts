import { create } from 'zustand';
import type { ResponseOf } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';

type Health = ResponseOf<'engine.health'>;

export interface HealthState {
  readonly phase: 'idle' | 'loading' | 'ready' | 'error';
  readonly health?: Health;
  readonly error?: string;
  readonly checkedAt?: number;
  refresh(): Promise<void>;
  engineDown(detail: string): void;
}

export const useHealthStore = create<HealthState>((set) => ({
  phase: 'idle',
  async refresh() {
    set({ phase: 'loading' });
    try {
      const health = await invoke('engine.health', {});
      set({ phase: 'ready', health, error: undefined, checkedAt: Date.now() });
    } catch (error) {
      set({ phase: 'error', error: (error as Error).message });
    }
  },
  engineDown(detail) {
    set({ phase: 'error', error: `engine_down: ${detail}` });
  },
}));
