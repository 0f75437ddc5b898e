import { create } from 'zustand';
import type { PolicyCheck } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';

type Problem = Extract<PolicyCheck, { ok: false }>;

export interface PolicyState {
  readonly phase: 'idle' | 'reading' | 'invalid' | 'loaded';
  readonly source?: string;
  readonly problem?: Problem;
  readonly result?: Extract<PolicyCheck, { ok: true }>;
  /** Reads a policy file the candidate picked or dropped and has the engine check it. */
  fromFile(file: File): Promise<void>;
  /** Loads a policy saved on this computer, named by a vigil:// link (`?policy=<name>`). */
  fromLink(name: string): Promise<void>;
  /** Verifies a signed config carried by a vigil://exam/config/... link (`?config=<compact JWS>`). */
  fromConfigLink(config: string): Promise<void>;
  /** Opens the built-in practice exam. */
  practice(): Promise<void>;
  reset(): void;
}

const MAX_BYTES = 1024 * 1024;

export const usePolicyStore = create<PolicyState>((set) => {
  const settle = (source: string, check: PolicyCheck) => (check.ok ? set({ phase: 'loaded', source, result: check, problem: undefined }) : set({ phase: 'invalid', source, problem: check, result: undefined }));
  const failed = (source: string, error: Error) => set({ phase: 'invalid', source, problem: { ok: false, field: '(engine)', rule: error.message, message: error.message } });
  return {
    phase: 'idle',
    async fromFile(file) {
      set({ phase: 'reading', source: file.name });
      if (file.size > MAX_BYTES) return settle(file.name, { ok: false, field: '(file)', rule: `larger than 1 MB (${file.size} bytes); an exam config is a small file`, message: `${file.name}: too large` });
      try {
        settle(file.name, await invoke('policy.parse', { text: await file.text(), source: file.name }));
      } catch (error) {
        failed(file.name, error as Error);
      }
    },
    async fromLink(name) {
      set({ phase: 'reading', source: name });
      try {
        settle(name, await invoke('policy.load', { name }));
      } catch (error) {
        failed(name, error as Error);
      }
    },
    async fromConfigLink(config) {
      const source = 'The exam link';
      set({ phase: 'reading', source });
      try {
        settle(source, await invoke('policy.parse', { text: config, source: 'exam link' }));
      } catch (error) {
        failed(source, error as Error);
      }
    },
    async practice() {
      const source = 'Practice exam';
      set({ phase: 'reading', source });
      try {
        settle(source, await invoke('exam.practice', {}));
      } catch (error) {
        failed(source, error as Error);
      }
    },
    reset: () => set({ phase: 'idle', source: undefined, problem: undefined, result: undefined }),
  };
});
