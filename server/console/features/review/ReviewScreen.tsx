import { useEffect, useState } from 'react';
import { ListTable } from '../../lib/list-table';
import { useAuthStore } from '../auth/store';
import { REVIEW_STATUSES, useReviewStore, type FlagView } from './store';
import { ErrorNotice } from '../../lib/error-notice';

const NOT_A_VERDICT = 'A flag is a reason to look, not a verdict.';

function seconds(t: number) {
  return `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, '0')}`;
}

function Explanation({ flag }: { flag: FlagView }) {
  const entries = Object.entries(flag.explanation);
  if (!entries.length) return <p className="help">No measurements were attached to this flag.</p>;
  return (
    <dl>
      {entries.map(([k, v]) => (
        <div key={k} className="pair">
          <dt>{k}</dt>
          <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Flag({ flag, mayDecide }: { flag: FlagView; mayDecide: boolean }) {
  const decide = useReviewStore((s) => s.decide);
  const [note, setNote] = useState('');
  const id = `flag-${flag.key.replace(/[^a-z0-9]/gi, '-')}`;
  return (
    <li className="flag panel" aria-labelledby={`${id}-title`} data-flag={flag.key}>
      <h3 id={`${id}-title`}>
        {flag.detector.replace(/_/g, ' ')} ({flag.kind === 'interval' ? 'flagged interval' : flag.severity ?? 'alert'}) at {seconds(flag.start)}–{seconds(flag.end)}
      </h3>
      <p className="not-verdict">{NOT_A_VERDICT}</p>
      {flag.confidence !== null && <p>Confidence {Math.round(flag.confidence * 100)} %</p>}
      <Explanation flag={flag} />
      {flag.evidence.length ? (
        flag.evidence.map((e) => (
          <figure key={e.id}>
            <video controls preload="metadata" src={`/api/v1/evidence/${e.id}`} aria-label={`Evidence clip ${e.segmentId} for this flag`} data-testid="evidence-clip" />
            <figcaption>
              Clip {e.segmentId}, {Math.round(e.bytes / 1024)} KB, {e.verified ? 'hash verified on arrival' : 'not verified'}
            </figcaption>
          </figure>
        ))
      ) : (
        <p className="help">No evidence clip covers this flag.</p>
      )}
      <p data-testid="flag-decision">
        {flag.decision ? `${flag.decision.decision} by ${flag.decision.reviewer} at ${new Date(flag.decision.at).toLocaleString()}${flag.decision.note ? `: “${flag.decision.note}”` : ''}` : 'No decision yet.'}
      </p>
      {mayDecide && (
        <form
          className="inline"
          onSubmit={(e) => e.preventDefault()}
          aria-label={`Decide on ${flag.detector.replace(/_/g, ' ')} at ${seconds(flag.start)}`}
        >
          <label htmlFor={`${id}-note`}>Note</label>
          <input id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
          <button type="button" onClick={() => void decide(flag.key, 'confirmed', note).then((ok) => ok && setNote(''))}>
            Confirm
          </button>
          <button type="button" className="secondary" onClick={() => void decide(flag.key, 'dismissed', note).then((ok) => ok && setNote(''))}>
            Dismiss
          </button>
        </form>
      )}
    </li>
  );
}

/** One session: flags (with their evidence and explanation) apart from milestones, the chain check, the risk. */
export function ReviewScreen({ sessionId }: { sessionId: string }) {
  const { view, error, conflict, saved, open, decide } = useReviewStore();
  const role = useAuthStore((s) => s.user?.role);
  const [status, setStatus] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => void open(sessionId), [sessionId, open]);
  if (error && !view) {
    return <ErrorNotice error={error} />;
  }
  if (!view) return <p>Loading…</p>;
  const mayDecide = role === 'admin' || role === 'reviewer';
  return (
    <>
      <h1>Review: {view.session.studentId}</h1>
      <p className="subtitle">
        <a href={`#/exams/${view.session.examId}/review`}>Sessions of this exam</a> · Review status: <strong data-testid="review-status">{view.status.replace(/_/g, ' ')}</strong>
      </p>
      <p className="notice">{NOT_A_VERDICT} Each flag says what was measured and against which threshold; decide only after looking at the evidence.</p>
      <div aria-live="polite">
        {conflict && (
          <p className="notice fail" data-testid="review-conflict">
            {conflict}
          </p>
        )}
        {saved && !conflict && (
          <p className="notice ok" data-testid="review-saved">
            {saved}
          </p>
        )}
        {error && <p className="notice fail">{error}</p>}
      </div>
      <section className="panel" aria-labelledby="integrity-heading">
        <h2 id="integrity-heading">Integrity and risk</h2>
        <p data-testid="chain-state">
          <span className={`dot inline-dot ${view.chain.verified ? 'ok' : 'fail'}`} aria-hidden="true" />{' '}
          {view.chain.verified ? `Event chain verified: ${view.chain.events} events, unbroken from the start.` : `Event chain NOT verified${view.chain.firstBadSeq ? ` at event ${view.chain.firstBadSeq}` : ''}: ${view.chain.reason ?? view.chain.status}.`}
        </p>
        {view.risk ? (
          <>
            <p>
              Risk {view.risk.level.replace(/_/g, ' ').toLowerCase()} ({view.risk.score.toFixed(2)}). How each detector contributed:
            </p>
            <ListTable
              rows={view.risk.contributions}
              rowKey={(c) => c.type}
              columns={[
                { header: 'Detector', cell: (c) => c.type.replace(/_/g, ' ') },
                { header: 'Alerts', cell: (c) => c.alerts },
                { header: 'Weight', cell: (c) => c.weight },
                { header: 'Evidence', cell: (c) => c.evidence.toFixed(2) },
              ]}
            />
          </>
        ) : (
          <p>No final report yet: the flags below come from the live alerts.</p>
        )}
        {view.calibration && <p>Calibration {view.calibration.status.toLowerCase()}; thresholds {Object.entries(view.calibration.thresholds).map(([k, v]) => `${k} ${v}`).join(', ')}.</p>}
      </section>
      <section aria-labelledby="flags-heading">
        <h2 id="flags-heading">Flags ({view.flags.length})</h2>
        {view.flags.length === 0 ? <p>No flags.</p> : <ol className="flags">{view.flags.map((f) => <Flag key={f.key} flag={f} mayDecide={mayDecide} />)}</ol>}
      </section>
      <section className="panel" aria-labelledby="milestones-heading">
        <h2 id="milestones-heading">Milestones</h2>
        {view.milestones.length ? (
          <ol className="milestones">
            {view.milestones.slice(0, 200).map((m, i) => (
              <li key={i}>
                {seconds(m.t)} {m.type.replace(/[._]/g, ' ')}
              </li>
            ))}
          </ol>
        ) : (
          <p>No milestones recorded.</p>
        )}
      </section>
      {mayDecide && (
        <form
          className="panel"
          aria-labelledby="status-heading"
          onSubmit={(e) => {
            e.preventDefault();
            if (status) void decide(null, status, note).then((ok) => ok && setNote(''));
          }}
        >
          <h2 id="status-heading">Session review status</h2>
          <label htmlFor="review-status">Status</label>
          <select id="review-status" value={status} onChange={(e) => setStatus(e.target.value)} required>
            <option value="">Choose…</option>
            {REVIEW_STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <label htmlFor="review-note">Note</label>
          <input id="review-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
          <button type="submit">Save status</button>
        </form>
      )}
      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">Review history (append-only)</h2>
        {view.reviews.length ? (
          <ol>
            {view.reviews.map((r) => (
              <li key={r.version}>
                {new Date(r.at).toLocaleString()} {r.reviewer}: {r.flagKey ?? 'session'} {r.decision.replace(/_/g, ' ')}
                {r.note ? ` — ${r.note}` : ''}
              </li>
            ))}
          </ol>
        ) : (
          <p>Nobody has reviewed this session yet.</p>
        )}
      </section>
    </>
  );
}
