import type { ReactNode } from 'react';

/** A step the exam's policy turns off: one line saying what is not done, and Continue. */
export function StepNotUsed({ step, title, children, onContinue }: { step: string; title: string; children: ReactNode; onContinue: () => void }) {
  return (
    <section className="panel" aria-labelledby={`${step}-heading`} data-testid={step} data-phase="off">
      <h2 id={`${step}-heading`}>{title}</h2>
      <p className="notice ok" data-testid={`${step}-off`}>
        {children}
      </p>
      <div className="actions">
        <button type="button" onClick={onContinue}>
          Continue
        </button>
      </div>
    </section>
  );
}
