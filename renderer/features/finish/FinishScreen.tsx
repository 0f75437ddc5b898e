import { useEffect } from 'react';
import { ProblemScreen } from '../flow/ProblemScreen';
import { useFinishStore } from './store';

const LEVEL_WORDS = { CLEAN: 'clean', BORDERLINE: 'borderline', SUSPICIOUS: 'suspicious', HIGH_RISK: 'high risk' } as const;

/** Step 7: the session is stored; the candidate sees exactly what will be sent, then quits. */
export function FinishScreen() {
  const { phase, result, problem, run } = useFinishStore();
  useEffect(() => {
    if (phase === 'idle') void run();
  }, [phase, run]);

  if (phase === 'error' && problem) return <ProblemScreen problem={problem} onRetry={() => void run()} />;
  if (phase !== 'stored' || !result) {
    return (
      <section className="panel" aria-labelledby="finish-heading" aria-busy="true">
        <h2 id="finish-heading">Finishing</h2>
        <p aria-live="polite">Handing in the last of the recording and storing your exam session…</p>
        <progress aria-label="Storing your exam session" />
      </section>
    );
  }
  const clipSeconds = result.segments.reduce((s, c) => s + (c.end - c.start), 0);
  const types = [...new Set(result.alerts.map((a) => a.type.replace(/_/g, ' ')))];
  return (
    <section className="panel" aria-labelledby="finish-heading" data-testid="finish-summary" data-risk={result.risk.level}>
      <h2 id="finish-heading">Your exam is handed in</h2>
      <p>This is everything that will be sent to your exam provider:</p>
      <dl>
        <dt>Session</dt>
        <dd data-testid="finish-session">{result.sessionId}</dd>
        <dt>Length</dt>
        <dd>{Math.round(result.durationSec)} s</dd>
        <dt>Warnings</dt>
        <dd data-testid="finish-alerts">{result.alerts.length === 0 ? 'none' : `${result.alerts.length} (${types.join(', ')})`}</dd>
        <dt>Flagged for review</dt>
        <dd data-testid="finish-flagged">{result.flaggedIntervals === 0 ? 'nothing' : `${result.flaggedIntervals} period${result.flaggedIntervals === 1 ? '' : 's'}, with the video clips below`}</dd>
        <dt>Overall</dt>
        <dd data-testid="finish-risk">
          {LEVEL_WORDS[result.risk.level]} (risk score {result.risk.score.toFixed(2)}){result.framesAnalysed === 0 ? '; the camera video was not analysed, see below' : ''}
        </dd>
        <dt>Video clips</dt>
        <dd data-testid="finish-clips">{result.segments.length === 0 ? 'none: no video leaves this computer' : `${result.segments.length} clip(s), ${Math.round(clipSeconds)} s in all`}</dd>
        <dt>Camera analysis</dt>
        <dd>{result.framesAnalysed > 0 ? `${result.framesAnalysed} frames analysed on this computer` : 'not analysed on this computer'}</dd>
      </dl>
      {result.notes.length > 0 && (
        <ul className="notes" data-testid="finish-notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={() => window.close()}>
          Quit
        </button>
      </div>
      <p className="muted">If this window stays open after Quit, you may close it: everything is stored.</p>
    </section>
  );
}
