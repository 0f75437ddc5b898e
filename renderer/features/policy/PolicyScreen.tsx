import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useFlowStore } from '../flow/store';
import { usePolicyStore } from './store';

/**
 * What a link opened (app/shell/exam-link.ts): `?config=<signed config>` (vigil://exam/config/...) or
 * `?policy=<name>` (vigil://exam/<name>). The config leaves the address once read, so it is not kept in history.
 */
function linked(): { config: string } | { name: string } | undefined {
  const query = new URLSearchParams(location.search);
  const config = query.get('config');
  if (config) {
    history.replaceState(null, '', `${location.pathname}${location.hash}`);
    return { config };
  }
  const name = query.get('policy');
  return name ? { name } : undefined;
}

/** Step 0: the exam's policy, from a file (picked or dropped) or a vigil:// link; an invalid one is named, field and rule. */
export function PolicyScreen() {
  const { phase, source, problem, result, fromFile, fromLink, fromConfigLink, practice, reset } = usePolicyStore();
  const { setPolicy, go } = useFlowStore();
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const problemRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (phase !== 'idle') return;
    const link = linked();
    if (link && 'config' in link) void fromConfigLink(link.config);
    else if (link) void fromLink(link.name);
  }, [fromLink, fromConfigLink, phase]);
  useEffect(() => {
    if (phase === 'invalid') problemRef.current?.focus();
  }, [phase]);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void fromFile(file);
  };

  return (
    <section className="panel" aria-labelledby="policy-heading">
      <h2 id="policy-heading">Open your exam</h2>
      <p>
        Your institution gives you an exam file (ending in <code>.vigil-exam</code>) or a Vigil link. Open it here. Only exams signed by your
        institution open.
      </p>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop the exam file here, or</p>
        <label className="button" htmlFor="policy-file">
          Choose exam file…
        </label>
        <input
          id="policy-file"
          ref={input}
          className="visually-hidden"
          type="file"
          accept=".vigil-exam,.json,application/json"
          data-testid="policy-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void fromFile(file);
            e.target.value = '';
          }}
        />
      </div>
      <p>
        No exam yet?{' '}
        <button type="button" className="secondary" data-testid="practice-exam" onClick={() => void practice()}>
          Try a practice exam
        </button>
      </p>
      <div aria-live="polite">
        {phase === 'reading' && <p>Reading {source}…</p>}
        {phase === 'invalid' && problem && (
          <div className="notice fail" role="alert" tabIndex={-1} ref={problemRef} data-testid="policy-problem">
            <h3>This exam cannot be used</h3>
            <p>
              <strong>{source}</strong> has a problem in <code data-testid="policy-field">{problem.field}</code>: <span data-testid="policy-rule">{problem.rule}</span>.
            </p>
            <p>Ask your invigilator for a corrected exam file or link. Nothing has been recorded.</p>
            <button type="button" className="secondary" onClick={reset}>
              Choose another file
            </button>
          </div>
        )}
        {phase === 'loaded' && result && (
          <div className="notice ok" data-testid="policy-loaded">
            <p>
              <strong>{source}</strong> is ready: camera analysed {result.policy.processingFps} times a second; {result.policy.allowedOrigins.length} exam site(s) allowed.
              {result.exam.signer && result.exam.mode === 'exam' ? ` Signed by ${result.exam.signer}.` : ''}
            </p>
            <button
              type="button"
              onClick={() => {
                setPolicy(result.policy, source ?? 'policy', result.exam);
                go('consent');
              }}
            >
              Continue
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
