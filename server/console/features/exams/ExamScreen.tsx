import { useEffect, useState } from 'react';
import { DETECTORS, RATE_FIELDS, RULE_FIELDS, type PolicyField } from '../../../../renderer/lib/policy-draft';
import { getPath, useExamsStore } from './store';
import { ErrorNotice } from '../../lib/error-notice';

function fieldId(path: string) {
  return `f-${path.replace(/\./g, '-')}`;
}

/** The schema's rule for this field, when the last check named it. */
function FieldProblem({ path }: { path: string }) {
  const problem = useExamsStore((s) => s.problem);
  if (!problem || !(problem.field === path || problem.field.startsWith(`${path}.`))) return null;
  return (
    <span className="field-error" id={`${fieldId(path)}-error`}>
      {problem.field}: {problem.rule}
    </span>
  );
}

function NumberField({ field }: { field: PolicyField }) {
  const { draft, defaults, edit, problem } = useExamsStore();
  const value = getPath(draft, field.path);
  const id = fieldId(field.path);
  const invalid = problem?.field === field.path;
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      <input
        id={id}
        type="number"
        step="any"
        value={typeof value === 'number' ? value : ''}
        aria-invalid={invalid}
        aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ''}`}
        data-path={field.path}
        onChange={(e) => void edit(field.path, e.target.value === '' ? undefined : Number(e.target.value))}
      />
      <span className="help" id={`${id}-help`}>
        {field.explanation} Default: {String(getPath(defaults, field.path))}.
      </span>
      <FieldProblem path={field.path} />
    </div>
  );
}

/** Signs the saved policy into a .vigil-exam file and a vigil:// link with the institution key; candidates' apps verify either. */
function Publish() {
  const { published, publishProblem, publish } = useExamsStore();
  const [serverUrl, setServerUrl] = useState(location.origin);
  const href = published ? URL.createObjectURL(new Blob([published.config], { type: 'application/jose' })) : undefined;
  return (
    <form
      className="panel"
      aria-labelledby="publish-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void publish(serverUrl);
      }}
    >
      <h2 id="publish-heading">Publish</h2>
      <p className="help">Signs the saved policy with the institution key, with a new enrolment token inside (earlier tokens stop working). Candidates open the file or the link in Vigil, which checks the signature.</p>
      <div className="field">
        <label htmlFor="publish-server">Server address candidates' devices report to</label>
        <input id="publish-server" type="url" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required />
      </div>
      <div aria-live="polite">
        {publishProblem && (
          <p className="notice fail" data-testid="publish-problem">
            Not published: <code>{publishProblem.field}</code> — {publishProblem.rule}
          </p>
        )}
        {published && href && (
          <p className="notice ok" data-testid="published">
            Signed, valid until {new Date(published.expiresAt).toLocaleDateString()}:{' '}
            <a href={href} download={published.fileName}>
              download {published.fileName}
            </a>
          </p>
        )}
        {published && (
          <div className="field">
            <label htmlFor="published-link">Exam link (the same signed config; opens Vigil where it is installed)</label>
            <textarea id="published-link" readOnly rows={3} value={published.link} data-testid="published-link" />
            <p className="help">
              <a href={published.link}>Open the exam in Vigil</a>
            </p>
          </div>
        )}
        {published && (
          <div className="field">
            <label htmlFor="published-config">Signed exam config (the file's text, to copy)</label>
            <textarea id="published-config" readOnly rows={3} value={published.config} />
          </div>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="secondary">
          Publish signed exam file
        </button>
      </div>
    </form>
  );
}

/** An exam's policy (the engine's schema judges every change), its quit password and its invigilators. */
export function ExamScreen({ examId }: { examId: string }) {
  const s = useExamsStore();
  const [origins, setOrigins] = useState<string | null>(null);
  const [assignee, setAssignee] = useState('');
  useEffect(() => void useExamsStore.getState().open(examId, true), [examId]);
  if (s.error) {
    return <ErrorNotice error={s.error} />;
  }
  if (!s.exam || !s.draft) return <p>Loading…</p>;
  const weights = (getPath(s.defaults, 'intervals.weights') as Record<string, number> | undefined) ?? {};
  const originList = (getPath(s.draft, 'allowedOrigins') as string[] | undefined) ?? [];
  const invigilators = s.staff.filter((u) => u.role === 'invigilator' && !s.exam!.invigilators.some((i) => i.id === u.id));
  return (
    <>
      <h1>{s.exam.name}</h1>
      <p className="subtitle">
        <a href="#/exams">Exams</a> · <a href={`#/exams/${examId}/monitor`}>Monitor</a> · <a href={`#/exams/${examId}/review`}>Review</a> · <a href={`#/exams/${examId}/stats`}>Stats</a>
      </p>
      <form
        className="panel settings"
        aria-labelledby="policy-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void s.save();
        }}
      >
        <h2 id="policy-heading">Exam policy</h2>
        <fieldset>
          <legend>Detectors (an off detector raises no warnings and adds nothing to the risk)</legend>
          {DETECTORS.map((d) => (
            <label key={d} className="check">
              <input type="checkbox" checked={getPath(s.draft, `detectors.${d}`) === true} onChange={(e) => void s.edit(`detectors.${d}`, e.target.checked)} />
              {d}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Rates and thresholds</legend>
          {[...RATE_FIELDS, ...RULE_FIELDS].map((f) => (
            <NumberField key={f.path} field={f} />
          ))}
        </fieldset>
        <fieldset>
          <legend>Points per warning (towards flagging an interval)</legend>
          <div className="grid">
            {Object.keys(weights).map((type) => (
              <NumberField key={type} field={{ path: `intervals.weights.${type}`, label: type.replace(/_/g, ' '), explanation: `Points one ${type.replace(/_/g, ' ')} warning adds to its interval.` }} />
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="f-allowedOrigins">Allowed exam sites, one address per line</label>
          <textarea
            id="f-allowedOrigins"
            rows={3}
            value={origins ?? originList.join('\n')}
            aria-describedby="f-allowedOrigins-help"
            onChange={(e) => {
              setOrigins(e.target.value);
              void s.edit('allowedOrigins', e.target.value.split('\n').map((l) => l.trim()).filter(Boolean));
            }}
          />
          <span className="help" id="f-allowedOrigins-help">
            The candidate's browser opens only these sites. Default: none.
          </span>
          <FieldProblem path="allowedOrigins" />
        </div>
        <div className="field">
          <label htmlFor="f-examUrl">Exam start page (optional; on one of the allowed sites)</label>
          <input id="f-examUrl" type="url" value={(getPath(s.draft, 'examUrl') as string | undefined) ?? ''} aria-invalid={s.problem?.field === 'examUrl'} onChange={(e) => void s.edit('examUrl', e.target.value === '' ? undefined : e.target.value)} />
          <FieldProblem path="examUrl" />
        </div>
        <div className="field">
          <label htmlFor="f-liveView">What invigilators see live</label>
          <select id="f-liveView" value={(getPath(s.draft, 'liveView') as string | undefined) ?? 'status'} aria-describedby="f-liveView-help" onChange={(e) => void s.edit('liveView', e.target.value)}>
            <option value="status">Status only (state, scores, warnings)</option>
            <option value="thumbnails">Status and a small camera picture every 12 s</option>
          </select>
          <span className="help" id="f-liveView-help">
            The candidate's consent screen says which, before the exam starts. Default: {String(getPath(s.defaults, 'liveView') ?? 'status')}.
          </span>
          <FieldProblem path="liveView" />
        </div>
        <div className="field">
          <label htmlFor="f-quit">New quit password (the server keeps only its scrypt hash; leave empty to keep the current one)</label>
          <input id="f-quit" type="password" autoComplete="new-password" value={s.quitPassword} onChange={(e) => s.setQuitPassword(e.target.value)} />
          <span className="help">{s.exam.hasQuitPassword ? 'A quit password is set.' : 'No quit password is set: candidates cannot quit early.'}</span>
          <FieldProblem path="quitPassword" />
        </div>
        <div aria-live="polite">
          {s.problem && (
            <p className="notice fail" data-testid="policy-problem">
              Not valid: <code>{s.problem.field}</code> — {s.problem.rule}
            </p>
          )}
          {s.saved && (
            <p className="notice ok" data-testid="policy-saved">
              {s.saved}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" disabled={s.saving || Boolean(s.problem && s.problem.field !== 'quitPassword' && s.problem.field !== '(save)')}>
            Save policy
          </button>
        </div>
      </form>
      <Publish />
      <section className="panel" aria-labelledby="invigilators-heading">
        <h2 id="invigilators-heading">Invigilators</h2>
        {s.exam.invigilators.length ? (
          <ul>
            {s.exam.invigilators.map((i) => (
              <li key={i.id}>{i.email}</li>
            ))}
          </ul>
        ) : (
          <p>No invigilator is assigned yet.</p>
        )}
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (assignee) void s.assign(assignee);
          }}
        >
          <label htmlFor="assignee">Invigilator to assign</label>
          <select id="assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">Choose…</option>
            {invigilators.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary">
            Assign
          </button>
        </form>
      </section>
    </>
  );
}
