import { useEffect } from 'react';
import { ListTable } from '../../lib/list-table';
import { useStatsStore } from './store';
import { ErrorNotice } from '../../lib/error-notice';

/** Per exam: sessions, flags per detector and how reviewers decided them; exports of the review outcomes. */
export function StatsScreen({ examId }: { examId: string }) {
  const { stats, error, load } = useStatsStore();
  useEffect(() => void load(examId), [examId, load]);
  const base = `/api/v1/exams/${encodeURIComponent(examId)}/review-export?format=`;
  return (
    <>
      <h1>Stats and exports</h1>
      <p className="subtitle">
        <a href="#/exams">Exams</a> · <a href={`#/exams/${examId}/review`}>Review</a>
      </p>
      <ErrorNotice error={error} />
      {stats && (
        <>
          <section className="panel" aria-labelledby="totals-heading">
            <h2 id="totals-heading">Sessions</h2>
            <dl data-testid="totals">
              <dt>Sessions</dt>
              <dd>{stats.totals.total}</dd>
              <dt>Active</dt>
              <dd>{stats.totals.active}</dd>
              <dt>Flagged intervals</dt>
              <dd>{stats.totals.flaggedIntervals}</dd>
              <dt>High risk</dt>
              <dd>{stats.totals.highRisk}</dd>
              <dt>Event chain broken</dt>
              <dd>{stats.totals.chainBroken}</dd>
              {Object.entries(stats.reviews.statuses).map(([k, v]) => (
                <div key={k} className="pair">
                  <dt>Reviewed {k.replace(/_/g, ' ')}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section className="panel" aria-labelledby="detectors-heading">
            <h2 id="detectors-heading">Flags per detector</h2>
            <p className="help">A detector's confirmation rate is the share of its decided flags that reviewers confirmed: the number to tune a policy by. A flag is a reason to look, not a verdict.</p>
            <ListTable
              rows={stats.reviews.detectors}
              empty="No flags yet."
              testId="detector-stats"
              rowKey={(d) => d.detector}
              rowProps={(d) => ({ 'data-detector': d.detector })}
              columns={[
                { header: 'Detector', cell: (d) => d.detector.replace(/_/g, ' ') },
                { header: 'Flags', cell: (d) => d.flags },
                { header: 'Confirmed', cell: (d) => d.confirmed, testId: 'confirmed' },
                { header: 'Dismissed', cell: (d) => d.dismissed, testId: 'dismissed' },
                { header: 'Confirmation rate', cell: (d) => (d.confirmationRate === null ? '—' : `${Math.round(d.confirmationRate * 100)} %`) },
              ]}
            />
          </section>
        </>
      )}
      <section className="panel" aria-labelledby="exports-heading">
        <h2 id="exports-heading">Exports</h2>
        <ul>
          <li>
            <a href={`${base}csv`} download>
              Review outcomes (CSV)
            </a>
          </li>
          <li>
            <a href={`${base}json`} download>
              Review outcomes (JSON)
            </a>
          </li>
          <li>
            <a href={`${base}labels`} download>
              Reviewer-labelled segments for retraining (JSON, the reviewer-label rows <code>vigil train export</code> reads)
            </a>
          </li>
        </ul>
      </section>
    </>
  );
}
