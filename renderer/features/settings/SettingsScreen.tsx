import { useState, type ReactNode } from 'react';
import { DETECTORS, RATE_FIELDS, RULE_FIELDS } from '../../lib/policy-draft';
import { getPath, useSettingsStore } from './store';

/** A field's own schema message, when the engine's check named this field. */
function FieldProblem({ path }: { path: string }) {
  const problem = useSettingsStore((s) => s.problem);
  if (!problem || problem.field !== path) return null;
  return (
    <span className="field-error" role="alert" id={`${path}-error`}>
      {problem.rule}
    </span>
  );
}

function NumberField({ path, label }: { path: string; label: ReactNode }) {
  const { draft, edit, problem } = useSettingsStore();
  const value = getPath(draft, path);
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        step="any"
        value={typeof value === 'number' ? value : ''}
        aria-invalid={problem?.field === path}
        aria-describedby={problem?.field === path ? `${path}-error` : undefined}
        data-path={path}
        onChange={(e) => void edit(path, e.target.value === '' ? undefined : Number(e.target.value))}
      />
      <FieldProblem path={path} />
    </label>
  );
}

/** The raw text stays as typed (blank lines included) while the policy gets the list of addresses. */
function OriginsField({ initial, onChange }: { initial: readonly string[]; onChange: (origins: string[]) => void }) {
  const [text, setText] = useState(initial.join('\n'));
  return (
    <textarea
      rows={3}
      value={text}
      data-path="allowedOrigins"
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.split('\n').map((l) => l.trim()).filter(Boolean));
      }}
    />
  );
}

function Unlock() {
  const { phase, lockMessage, unlock } = useSettingsStore();
  const [typed, setTyped] = useState('');
  return (
    <form
      className="panel"
      aria-labelledby="unlock-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void unlock(typed);
      }}
    >
      <h2 id="unlock-heading">Invigilator settings</h2>
      <p>For invigilators only. The invigilator password of this computer is set with `vigil invigilator password`.</p>
      <label className="field">
        <span>Invigilator password</span>
        <input type="password" autoComplete="current-password" value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="invigilator-password" />
      </label>
      {lockMessage && (
        <p className="error" role="alert">
          {lockMessage}
        </p>
      )}
      <button type="submit" disabled={phase === 'unlocking'}>
        Unlock
      </button>
    </form>
  );
}

/** Invigilator settings, behind a password: edit an exam policy, see the schema's verdict, save it. */
export function SettingsScreen() {
  const s = useSettingsStore();
  if (s.phase !== 'unlocked') return <Unlock />;
  const origins = (getPath(s.draft, 'allowedOrigins') as string[] | undefined) ?? [];
  const weights = (getPath(s.draft, 'intervals.weights') as Record<string, number> | undefined) ?? {};
  return (
    <form
      className="panel settings"
      aria-labelledby="settings-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <h2 id="settings-heading">Exam policy</h2>
      <label className="field">
        <span>Policy name (a link opens it as vigil://exam/name)</span>
        <input value={s.name} onChange={(e) => s.setName(e.target.value)} data-testid="policy-name" />
        <FieldProblem path="name" />
      </label>
      <p>
        <button type="button" className="secondary" onClick={() => void s.open()}>
          Open saved policy
        </button>
      </p>
      {s.opened && (
        <p className="notice ok" data-testid="settings-opened">
          Opened {s.opened}: saving keeps its quit password unless you set a new one.
        </p>
      )}
      <fieldset>
        <legend>Detectors</legend>
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
          <NumberField key={f.path} path={f.path} label={f.label} />
        ))}
      </fieldset>
      <fieldset>
        <legend>Points per warning (towards a flag)</legend>
        <div className="grid">
          {Object.keys(weights).map((type) => (
            <NumberField key={type} path={`intervals.weights.${type}`} label={type.replace(/_/g, ' ')} />
          ))}
        </div>
      </fieldset>
      <label className="field">
        <span>Allowed exam sites, one address per line (the exam opens on the start page below, else the first)</span>
        <OriginsField key={s.revision} initial={origins} onChange={(list) => void s.edit('allowedOrigins', list)} />
        {s.problem?.field.startsWith('allowedOrigins') && (
          <span className="field-error" role="alert">
            {s.problem.field}: {s.problem.rule}
          </span>
        )}
      </label>
      <label className="field">
        <span>Exam start page (optional; on one of the allowed sites)</span>
        <input
          type="url"
          value={(getPath(s.draft, 'examUrl') as string | undefined) ?? ''}
          data-path="examUrl"
          aria-invalid={s.problem?.field === 'examUrl'}
          onChange={(e) => void s.edit('examUrl', e.target.value === '' ? undefined : e.target.value)}
        />
        <FieldProblem path="examUrl" />
      </label>
      <label className="field">
        <span>New quit password (stored only as a salted hash; leave empty to keep the current one)</span>
        <input type="password" autoComplete="new-password" value={s.quitPassword} onChange={(e) => s.setQuitPassword(e.target.value)} />
      </label>
      <div aria-live="polite">
        {s.problem && (
          <p className="notice fail" data-testid="settings-problem">
            Not valid: <code>{s.problem.field}</code> — {s.problem.rule}
          </p>
        )}
        {s.saved && (
          <p className="notice ok" data-testid="settings-saved">
            Saved to {s.saved}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="button" className="secondary" onClick={s.lock}>
          Lock
        </button>
        <button type="submit" disabled={s.saving || Boolean(s.problem)}>
          Save policy
        </button>
      </div>
    </form>
  );
}
