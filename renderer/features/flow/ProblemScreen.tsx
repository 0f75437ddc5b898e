import { useEffect, useRef } from 'react';
import { useCaptureStore } from '../capture/store';
import type { Problem } from './store';

/** A stop in the exam: what happened, what to do, and the recording kept in this window when it could not be sent. */
export function ProblemScreen({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const unsent = useCaptureStore((s) => s.unsent);
  useEffect(() => heading.current?.focus(), []);
  const bytes = unsent.reduce((sum, u) => sum + u.blob.size, 0);
  return (
    <section className="panel problem" role="alert" aria-labelledby="problem-heading" data-testid="problem">
      <h2 id="problem-heading" ref={heading} tabIndex={-1}>
        {problem.title}
      </h2>
      <p>
        <strong>What happened:</strong> {problem.what}
      </p>
      <p>
        <strong>What to do:</strong> {problem.todo}
      </p>
      {unsent.length > 0 && (
        <p data-testid="unsent-evidence">
          {unsent.length} recording segment(s) ({(bytes / 1024).toFixed(0)} KB) could not be handed to Vigil yet. They are kept in this window; save
          them for your invigilator before closing it:
        </p>
      )}
      {unsent.length > 0 && (
        <ul>
          {unsent.map((u) => (
            <li key={u.url}>
              <a href={u.url} download={`vigil-recording-${u.start.toFixed(0)}s.webm`}>
                Recording {u.start.toFixed(0)}–{u.end.toFixed(0)} s
              </a>
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}
