import { useEffect, useState } from 'react';
import { ListTable } from '../../lib/list-table';
import { useAuthStore } from '../auth/store';
import { useExamsStore } from './store';
import { ErrorNotice } from '../../lib/error-notice';

/** Every exam the signed-in person may see, with the links their role allows; admins create exams here. */
export function ExamsScreen() {
  const role = useAuthStore((s) => s.user?.role);
  const { exams, load, create, created, error, loading } = useExamsStore();
  const [name, setName] = useState('');
  useEffect(() => void load(), [load]);
  return (
    <>
      <h1>Exams</h1>
      {role === 'admin' && (
        <form
          className="panel"
          aria-labelledby="create-heading"
          onSubmit={(e) => {
            e.preventDefault();
            void create(name).then(() => setName(''));
          }}
        >
          <h2 id="create-heading">Create an exam</h2>
          <label className="field">
            <span>Exam name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </label>
          <div className="actions">
            <button type="submit">Create exam</button>
          </div>
          {created && (
            <p className="notice ok" role="status" data-testid="exam-created">
              Created {created.name}. Enrolment token (shown once; candidates' devices join with it): <code>{created.enrolmentToken}</code>
            </p>
          )}
        </form>
      )}
      <ErrorNotice error={error} />
      <section className="panel" aria-labelledby="list-heading">
        <h2 id="list-heading">Your exams</h2>
        <ListTable
          rows={loading && !exams.length ? null : exams}
          empty="No exams yet."
          rowKey={(e) => e.id}
          columns={[
            { header: 'Exam', cell: (e) => e.name },
            { header: 'Created', cell: (e) => new Date(e.createdAt).toLocaleString() },
            {
              header: 'Open',
              className: 'links',
              cell: (e) => (
                <>
                  {role === 'admin' && <a href={`#/exams/${e.id}`} aria-label={`Policy of ${e.name}`}>Policy</a>}
                  {role !== 'reviewer' && <a href={`#/exams/${e.id}/monitor`} aria-label={`Monitor ${e.name}`}>Monitor</a>}
                  {role !== 'invigilator' && <a href={`#/exams/${e.id}/review`} aria-label={`Review ${e.name}`}>Review</a>}
                  {role !== 'invigilator' && <a href={`#/exams/${e.id}/stats`} aria-label={`Stats of ${e.name}`}>Stats</a>}
                </>
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
