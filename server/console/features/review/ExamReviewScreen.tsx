import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import type { MonitorRow } from '../monitor/store';

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
      {error && (
        <p className="notice fail" role="alert">
          {error}
        </p>
      )}
      <section className="panel" aria-labelledby="to-review-heading">
        <h2 id="to-review-heading">Sessions</h2>
        {rows === null ? (
          <p>Loading…</p>
        ) : rows.length === 0 ? (
          <p>No session yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Risk</th>
                <th scope="col">State</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {[...rows].sort((a, b) => rank(a) - rank(b)).map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <a href={`#/sessions/${r.id}/review`}>{r.studentId}</a>
                  </th>
                  <td>{r.riskLevel ?? '—'}</td>
                  <td>{r.status}</td>
                  <td>{new Date(r.startedAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
