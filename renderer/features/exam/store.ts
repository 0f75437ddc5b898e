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

/** The page the exam opens on: the policy's first allowed site (the policy has no separate start address). */
export function examStartUrl(allowedOrigins: readonly string[]): string | undefined {
  return allowedOrigins[0];
}
