/**
 * Leaving the exam early: the candidate asks, the invigilator types the exam's quit password, the engine
 * decides (session.quit; the page never sees the password's hash). Accepted, the session is handed in like a
 * finished exam (last recording segment, report stored) and Vigil closes.
 */
import { create } from 'zustand';
import type { ResponseOf } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';
import { useCaptureStore } from '../capture/store';
import { problemFrom } from '../flow/problems';
import { useFlowStore } from '../flow/store';

type Refusal = Extract<ResponseOf<'session.quit'>, { ok: false }>;

export interface QuitState {
  /** closed: no prompt; asking: waiting for the password; checking: the engine is deciding; storing: accepted,
   * the session is being handed in; closing: stored, the window is closing. */
  readonly phase: 'closed' | 'asking' | 'checking' | 'storing' | 'closing';
  /** Why the last password was not accepted, in the candidate's words. */
  readonly refusal?: string;
  ask(): void;
  cancel(): void;
  submit(password: string): Promise<void>;
}

/** What the prompt says when the engine says no. */
export function refusalMessage(refusal: Refusal): string {
  if (refusal.reason === 'no_quit_password') return 'This exam has no quit password, so it can only end by handing it in (Finish exam…).';
  const wait = refusal.retryAfterSec > 0 ? ` The prompt is locked for ${waitText(refusal.retryAfterSec)}.` : '';
  if (refusal.reason === 'locked') return `Too many wrong quit passwords.${wait} The exam goes on; this attempt is recorded in the exam report.`;
  const times = refusal.refused === 1 ? 'once' : `${refusal.refused} times`;
  return `That quit password is not right. The exam goes on. A wrong password has been typed ${times}; each attempt is recorded in the exam report.${wait}`;
}

function waitText(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

export const useQuitStore = create<QuitState>((set, get) => ({
  phase: 'closed',
  ask: () => set({ phase: 'asking', refusal: undefined }),
  cancel: () => {
    if (get().phase === 'asking') set({ phase: 'closed', refusal: undefined });
  },
  async submit(password) {
    if (get().phase !== 'asking') return;
    const capture = useCaptureStore.getState();
    try {
      if (!capture.session) throw new Error('no exam session is running');
      set({ phase: 'checking' });
      const verdict = await invoke('session.quit', { sessionId: capture.session.sessionId, password });
      if (!verdict.ok) return set({ phase: 'asking', refusal: refusalMessage(verdict) });
      set({ phase: 'storing', refusal: undefined });
      await capture.finish();
      set({ phase: 'closing' });
      window.close();
    } catch (error) {
      set({ phase: 'closed' });
      useFlowStore.getState().fail(problemFrom(error, 'Quitting the exam'));
    }
  },
}));
