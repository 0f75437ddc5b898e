import { create } from 'zustand';
import type { PolicyView } from '../../../app/ipc/contract';

/** The candidate's path through the exam, in order. */
export const STEPS = ['policy', 'consent', 'system', 'identity', 'voice', 'calibration', 'exam', 'finish'] as const;
export type Step = (typeof STEPS)[number];

export const STEP_TITLES: Record<Step, string> = {
  policy: 'Exam',
  consent: 'Privacy',
  system: 'System check',
  identity: 'Identity',
  voice: 'Voice',
  calibration: 'Calibration',
  exam: 'Exam',
  finish: 'Finish',
};

/** Something that stops the exam: what happened, in words, and what the candidate should do. */
export interface Problem {
  readonly title: string;
  readonly what: string;
  readonly todo: string;
}

export interface FlowState {
  readonly step: Step;
  readonly policy?: PolicyView;
  readonly policySource?: string;
  readonly problem?: Problem;
  setPolicy(policy: PolicyView, source: string): void;
  go(step: Step): void;
  fail(problem: Problem): void;
  clearProblem(): void;
}

export const useFlowStore = create<FlowState>((set) => ({
  step: 'policy',
  setPolicy: (policy, policySource) => set({ policy, policySource }),
  go: (step) => set({ step }),
  fail: (problem) => set({ problem }),
  clearProblem: () => set({ problem: undefined }),
}));
