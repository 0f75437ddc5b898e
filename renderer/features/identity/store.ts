import { create } from 'zustand';
import type { ExamCheck } from '../../../app/ipc/contract';

/**
 * Identity capture needs the face pipeline (a face descriptor to enrol, blinks and head turns to see). This
 * build has no identity channel, so the state says why checking is unavailable; it never records a pass.
 */
export interface IdentityState {
  readonly availability: { available: false; reason: string };
  fromChecks(checks: readonly ExamCheck[]): void;
}

const NO_CHANNEL = 'this version of Vigil cannot enrol a face or run the blink and head-turn challenge';

export const useIdentityStore = create<IdentityState>((set) => ({
  availability: { available: false, reason: NO_CHANNEL },
  fromChecks(checks) {
    const face = checks.find((c) => c.id === 'face_analysis');
    set({ availability: { available: false, reason: face && face.status !== 'ok' ? face.summary.replace(/^Not available: /, '') : NO_CHANNEL } });
  },
}));
