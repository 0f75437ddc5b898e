import type { ExamView } from '../../../app/ipc/contract';

/**
 * A banner that stays on every screen once an exam is open and is not a signed one: an unsigned policy (the
 * developer flag) says it is for testing only, the practice exam says it is practice. The report says the same.
 */
export function ExamBanner({ exam }: { exam: ExamView | undefined }) {
  if (exam?.mode === 'unsigned') {
    return (
      <p className="banner unsigned" role="status" data-testid="exam-banner">
        unsigned exam: for testing only
      </p>
    );
  }
  if (exam?.mode === 'practice') {
    return (
      <p className="banner practice" role="status" data-testid="exam-banner">
        Practice exam: nothing is sent to an institution.
      </p>
    );
  }
  return null;
}
