import { useEffect } from 'react';
import { problemFrom } from '../flow/problems';
import { ProblemScreen } from '../flow/ProblemScreen';
import { useFlowStore } from '../flow/store';
import { blocks, useSystemCheckStore } from './store';

const STATUS_WORDS = { ok: 'Ready', warn: 'Check', fail: 'Problem' } as const;

/** Step 2: camera, microphone, displays, programs, virtual machine and the engine itself, each with its evidence. */
/** The engine judges the OS checks by the exam it has open (system.check). */
export function SystemCheckScreen() {
  const { phase, checks, cameraFailure, error, run } = useSystemCheckStore();
  const go = useFlowStore((s) => s.go);
  useEffect(() => {
    if (phase === 'idle') void run();
  }, [phase, run]);

  if (phase === 'error') return <ProblemScreen problem={problemFrom(cameraFailure ?? new Error(error ?? 'unknown error'), 'The system check')} onRetry={() => void run()} />;

  const blocking = checks.filter(blocks);
  return (
    <section className="panel" aria-labelledby="system-heading" aria-busy={phase === 'checking'}>
      <h2 id="system-heading">System check</h2>
      {phase === 'checking' && <p aria-live="polite">Checking your camera, microphone and computer… (say a few words so the microphone can be tested)</p>}
      {phase === 'done' && (
        <>
          <ul className="checks" data-testid="system-checks">
            {checks.map((check) => (
              <li key={check.id} data-check={check.id} className={check.status}>
                <span className="status">
                  <span className={`dot ${check.status}`} aria-hidden="true" />
                  <span>
                    {check.label}: <span className={check.status === 'ok' ? 'visually-hidden' : `tag ${check.status}`}>{STATUS_WORDS[check.status]}</span>
                    <span className="visually-hidden">. </span>
                  </span>
                </span>{' '}
                {check.summary}
                {check.fix && check.status !== 'ok' && <p className="fix">{check.fix}</p>}
                <details>
                  <summary>Evidence</summary>
                  <pre>{JSON.stringify(check.evidence, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
          {blocking.length > 0 && (
            <p className="notice fail" role="alert">
              This exam cannot start on this computer until you fix: {blocking.map((c) => c.label.toLowerCase()).join(', ')}. What to do is written under each; then check again.
            </p>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => void run()}>
              Check again
            </button>
            <button type="button" disabled={blocking.length > 0} onClick={() => go('identity')}>
              Continue
            </button>
          </div>
        </>
      )}
    </section>
  );
}
