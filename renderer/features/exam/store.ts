import type { PolicyView } from '../../../app/ipc/contract';
import { create } from 'zustand';

export interface ExamState {
  readonly confirmingFinish: boolean;
  askToFinish(): void;
  cancelFinish(): void;
}

export const useExamStore = create<ExamState>((set) => ({
  confirmingFinish: false,
  askToFinish: () => set({ confirmingFinish: true }),
  cancelFinish: () => set({ confirmingFinish: false }),
}));

/** The page the exam opens on: the policy's exam URL, else its first allowed site. */
export function examStartUrl(policy: Pick<PolicyView, 'examUrl' | 'allowedOrigins'>): string | undefined {
  return policy.examUrl ?? policy.allowedOrigins[0];
}

/** The warnings the policy lets the candidate see; every alert is recorded whatever this says. */
export function shownWarnings<W extends { severity: string }>(warnings: readonly W[], policy: Pick<PolicyView, 'candidateWarnings'>): readonly W[] {
  if (policy.candidateWarnings === 'none') return [];
  return policy.candidateWarnings === 'critical' ? warnings.filter((w) => w.severity === 'critical') : warnings;
}
