import { useEffect, useState } from 'react';
import { ageSeconds } from '../../lib/api';
import { useAuthStore } from '../auth/store';
import { AMBER_SECONDS, isIncident, ordered, RED_SECONDS, useMonitorStore, type MonitorRow, type StateFilter } from './store';
import { ErrorNotice } from '../../lib/error-notice';

function light(row: MonitorRow, age: number | null): { tone: 'ok' | 'warn' | 'fail' | 'idle'; words: string } {
  if (row.chainStatus === 'broken') return { tone: 'fail', words: 'event chain broken' };
  if (row.status === 'finished') return { tone: 'idle', words: 'finished' };
  if (age === null || age >= RED_SECONDS) return { tone: 'fail', words: 'no heartbeat' };
  if (age >= AMBER_SECONDS || isIncident(row)) return { tone: 'warn', words: 'needs a look' };
  return { tone: 'ok', words: 'running' };
}

function Instruct({ row }: { row: MonitorRow }) {
  const instruct = useMonitorStore((s) => s.instruct);
  const [text, setText] = useState('');
  if (row.status !== 'active') return null;
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) void instruct(row.id, 'message', text.trim()).then(() => setText(''));
      }}
    >
      <label className="visually-hidden" htmlFor={`msg-${row.id}`}>
        Message to {row.studentId}
      </label>
      <input id={`msg-${row.id}`} value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} placeholder="Message" />
      <button type="submit" className="small secondary">
        Send
      </button>
      {/* A pause covers the candidate's exam page until the invigilator's next instruction (a message lifts it). */}
      <button type="button" className="small secondary" onClick={() => void instruct(row.id, 'pause', text.trim() || undefined).then(() => setText(''))} aria-label={`Pause the exam of ${row.studentId}`}>
        Pause exam
      </button>
      <button type="button" className="small" onClick={() => void instruct(row.id, 'finish')} aria-label={`Finish the exam of ${row.studentId}`}>
        Finish exam
      </button>
    </form>
  );
}

/** The exam's sessions live: incidents first, a status light, risk, interval score, warnings, heartbeat age, uploads. */
export function MonitorScreen({ examId }: { examId: string }) {
  const { rows, filter, setFilter, connected, announcement, error, sent, watch } = useMonitorStore();
  const role = useAuthStore((s) => s.user?.role);
  useEffect(() => watch(examId), [examId, watch]);
  const now = Date.now();
  const shown = ordered(rows, filter, now);
  // The camera column shows only where pictures arrive: an exam whose policy says liveView: thumbnails.
  const withThumbnails = role !== 'reviewer' && rows.some((r) => r.thumbnailAt !== null);
  return (
    <>
      <h1>Live monitoring</h1>
      <p className="subtitle">
        <a href="#/exams">Exams</a> · {connected ? 'Live: updates arrive as candidates report.' : 'Connecting to the live feed…'}
      </p>
      <div className="visually-hidden" aria-live="polite" data-testid="live-announcement">
        {announcement}
      </div>
      {sent && (
        <p className="notice ok" role="status" data-testid="instruction-sent">
          {sent}
        </p>
      )}
      <ErrorNotice error={error} />
      <section className="panel" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <div className="inline">
          <label htmlFor="state-filter">Show</label>
          <select id="state-filter" value={filter} onChange={(e) => setFilter(e.target.value as StateFilter)}>
            <option value="all">All ({rows.length})</option>
            <option value="incident">Incidents ({rows.filter((r) => isIncident(r, now)).length})</option>
            <option value="active">Active ({rows.filter((r) => r.status === 'active').length})</option>
            <option value="finished">Finished ({rows.filter((r) => r.status === 'finished').length})</option>
          </select>
        </div>
        {shown.length === 0 ? (
          <p>No session to show.</p>
        ) : (
          <table data-testid="sessions-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Candidate</th>
                <th scope="col">Risk</th>
                <th scope="col">Interval score</th>
                <th scope="col">Warnings</th>
                <th scope="col">Last heartbeat</th>
                <th scope="col">Pending uploads</th>
                {withThumbnails && <th scope="col">Camera</th>}
                <th scope="col">Instructions</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                const age = ageSeconds(r.lastHeartbeatAt, now);
                const l = light(r, age);
                const last = r.instructions.at(-1);
                return (
                  <tr key={r.id} data-session={r.id}>
                    <td>
                      <span className="status">
                        <span className={`dot ${l.tone}`} aria-hidden="true" />
                        {l.words}
                      </span>
                    </td>
                    <th scope="row">{role === 'admin' ? <a href={`#/sessions/${r.id}/review`}>{r.studentId}</a> : r.studentId}</th>
                    <td data-testid="risk">{r.riskLevel ?? '—'}</td>
                    <td data-testid="interval-score">{r.intervalScore ?? '—'}</td>
                    <td data-testid="warnings">{r.warnings.length ? r.warnings.join(', ') : 'none'}</td>
                    <td className={age === null ? 'age red' : age >= RED_SECONDS ? 'age red' : age >= AMBER_SECONDS ? 'age amber' : 'age'} data-testid="heartbeat-age">
                      {age === null ? 'never' : `${age} s ago`}
                    </td>
                    <td>{r.pendingOutbox ?? '—'}</td>
                    {withThumbnails && (
                      <td>
                        {r.thumbnailAt ? (
                          <img
                            className="thumbnail"
                            src={`/api/v1/sessions/${r.id}/thumbnail?at=${encodeURIComponent(r.thumbnailAt)}`}
                            alt={`Camera picture of ${r.studentId}, ${ageSeconds(r.thumbnailAt, now) ?? 0} s old`}
                            width={160}
                            height={120}
                            data-testid="thumbnail"
                          />
                        ) : (
                          'none yet'
                        )}
                      </td>
                    )}
                    <td>
                      {last && (
                        <p className="help" data-testid="instruction-state">
                          {last.kind}: {last.confirmedAt ? `confirmed ${new Date(last.confirmedAt).toLocaleTimeString()}` : 'waiting for confirmation'}
                        </p>
                      )}
                      {role !== 'reviewer' && <Instruct row={r} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
