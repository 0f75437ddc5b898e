import { useEffect } from 'react';
import { ProblemScreen } from '../flow/ProblemScreen';
import { sendingFigures, useSyncStore } from '../sync/store';
import { useSyncPolling } from '../sync/use-sync-polling';
import { useFinishStore } from './store';

const LEVEL_WORDS = { CLEAN: 'clean', BORDERLINE: 'borderline', SUSPICIOUS: 'suspicious', HIGH_RISK: 'high risk' } as const;

/** Step 7: the session is stored; the candidate sees what was sent and what still waits (from the outbox), then quits. */
export function FinishScreen() {
  const { phase, result, problem, run } = useFinishStore();
  const { view, finishRequested } = useSyncStore();
  useEffect(() => {
    if (phase === 'idle') void run();
  }, [phase, run]);
  // What was sent and what waits, from the outbox, as the engine's spooler works through it.
  const sessionId = result?.sessionId;
  useSyncPolling(sessionId);

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
  const sending = sendingFigures(view);
  return (
    <section className="panel" aria-labelledby="finish-heading" data-testid="finish-summary" data-risk={result.risk.level}>
      <h2 id="finish-heading">Your exam is handed in</h2>
      {finishRequested && (
        <p className="notice info" data-testid="finished-by-invigilator">
          Your invigilator finished your exam{finishRequested.text ? `: ${finishRequested.text}` : '.'}
        </p>
      )}
      <p>{sending.server ? `This is what goes to your exam provider (${sending.server}):` : 'This exam names no server: nothing leaves this computer. This is what is stored here:'}</p>
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
        {sending.server && (
          <>
            <dt>Sent</dt>
            <dd data-testid="finish-sent" data-sent={sending.sent} data-pending={sending.pending}>
              {sending.pending === 0 ? `everything: ${sending.sent} item${sending.sent === 1 ? '' : 's'}, acknowledged by the server` : `${sending.sent} item${sending.sent === 1 ? '' : 's'} acknowledged by the server so far`}
            </dd>
            <dt>Still waiting</dt>
            <dd data-testid="finish-waiting" aria-live="polite">
              {sending.pending === 0 ? 'nothing' : `${sending.pending} (${sending.waiting.join(', ')})${view?.lastError ? `; the server cannot be reached right now` : ''}`}
            </dd>
          </>
        )}
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
      <p className="muted" data-testid="finish-close">
        {sending.pending > 0
          ? 'You may close Vigil now: what still waits is kept on this computer and sent the next time Vigil starts. If this window stays open after Quit, you may close it.'
          : 'If this window stays open after Quit, you may close it: everything is stored.'}
      </p>
    </section>
  );
}
