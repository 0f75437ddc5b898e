import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { ListTable } from '../../lib/list-table';
import type { MonitorRow } from '../monitor/store';
import { ErrorNotice } from '../../lib/error-notice';

/** The sessions of one exam to pick one for review, riskiest first. */
export function ExamReviewScreen({ examId }: { examId: string }) {
  const [rows, setRows] = useState<MonitorRow[] | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<MonitorRow[]>('GET', `/api/v1/exams/${encodeURIComponent(examId)}/monitor`).then(setRows, (e: Error) => setError(e.message));
  }, [examId]);
  const rank = (r: MonitorRow) => ['HIGH_RISK', 'SUSPICIOUS', 'BORDERLINE', 'CLEAN'].indexOf(r.riskLevel ?? 'CLEAN');
  return (
    <>
      <h1>Review</h1>
      <p className="subtitle">
        <a href="#/exams">Exams</a> · <a href={`#/exams/${examId}/stats`}>Stats and exports</a>
      </p>
      <ErrorNotice error={error} />
      <section className="panel" aria-labelledby="to-review-heading">
        <h2 id="to-review-heading">Sessions</h2>
        <ListTable
          rows={rows && [...rows].sort((a, b) => rank(a) - rank(b))}
          empty="No session yet."
          rowKey={(r) => r.id}
          columns={[
            { header: 'Candidate', cell: (r) => <a href={`#/sessions/${r.id}/review`}>{r.studentId}</a> },
            { header: 'Risk', cell: (r) => r.riskLevel ?? '—' },
            { header: 'State', cell: (r) => r.status },
            { header: 'Started', cell: (r) => new Date(r.startedAt).toLocaleString() },
          ]}
        />
      </section>
    </>
  );
}
