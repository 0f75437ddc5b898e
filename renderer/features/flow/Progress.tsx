import { STEPS, STEP_TITLES, type Step } from './store';

/** Where the candidate is: the steps as an ordered list, the current one marked for screen readers too. */
export function Progress({ step }: { step: Step }) {
  const steps = STEPS.filter((s) => s !== 'policy');
  const current = steps.indexOf(step as (typeof steps)[number]);
  return (
    <nav aria-label="Exam steps">
      <ol className="steps">
        {steps.map((s, i) => (
          <li key={s} className={i < current ? 'done' : i === current ? 'current' : ''} aria-current={i === current ? 'step' : undefined}>
            {STEP_TITLES[s]}
          </li>
        ))}
      </ol>
    </nav>
  );
}
