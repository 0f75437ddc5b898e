import { create } from 'zustand';
import type { ExamView, PolicyView } from '../../../app/ipc/contract';

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
  /** What kind of exam is open (signed, practice, or unsigned with the developer flag): the banner reads it. */
  readonly exam?: ExamView;
  readonly problem?: Problem;
  setPolicy(policy: PolicyView, source: string, exam: ExamView): void;
  go(step: Step): void;
  fail(problem: Problem): void;
  clearProblem(): void;
}

export const useFlowStore = create<FlowState>((set) => ({
  step: 'policy',
  setPolicy: (policy, policySource, exam) => set({ policy, policySource, exam }),
  go: (step) => set({ step }),
  fail: (problem) => set({ problem }),
  clearProblem: () => set({ problem: undefined }),
}));
