import type { PolicyView } from '../../../app/ipc/contract';
import { DETECTORS, RATE_FIELDS, RULE_FIELDS, getPath } from '../../lib/policy-draft';
import { useFlowStore } from '../flow/store';
import { usePolicyStore } from '../policy/store';

function Row({ label, value, path }: { label: string; value: string; path: string }) {
  return (
    <div className="row">
      <dt>{label}</dt>
      <dd data-path={path}>{value}</dd>
    </div>
  );
}

const shown = (value: unknown) => (value === undefined || value === null ? 'not set' : String(value));

/**
 * The open exam's settings, read-only: invigilators configure exams in the console and sign them; the candidate
 * sees what the exam will do and cannot change it (the engine has no channel that writes a policy).
 */
export function SettingsScreen() {
  const opened = usePolicyStore((s) => (s.phase === 'loaded' ? s.result?.policy : undefined));
  const policy: PolicyView | undefined = useFlowStore((s) => s.policy) ?? opened;
  if (!policy) {
    return (
      <section className="panel" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Exam settings</h2>
        <p data-testid="settings-none">No exam is open yet. Open your exam first; its settings then show here.</p>
      </section>
    );
  }
  const weights = policy.intervals.weights;
  return (
    <section className="panel settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Exam settings</h2>
      <p data-testid="settings-read-only">
        Set by your institution for this exam. They cannot be changed on this computer; invigilators change them in the Vigil console.
      </p>
      <h3>Detectors</h3>
      <dl className="facts">
        {DETECTORS.map((d) => (
          <Row key={d} label={d} path={`detectors.${d}`} value={policy.detectors[d] === true ? 'on' : 'off'} />
        ))}
      </dl>
      <h3>Rates and thresholds</h3>
      <dl className="facts">
        {[...RATE_FIELDS, ...RULE_FIELDS].map((f) => (
          <Row key={f.path} label={f.label} path={f.path} value={shown(getPath(policy, f.path))} />
        ))}
      </dl>
      <h3>Points per warning (towards a flag)</h3>
      <dl className="facts">
        {Object.entries(weights).map(([type, points]) => (
          <Row key={type} label={type.replace(/_/g, ' ')} path={`intervals.weights.${type}`} value={String(points)} />
        ))}
      </dl>
      <h3>Exam sites, leaving and live view</h3>
      <dl className="facts">
        <Row label="Allowed exam sites" path="allowedOrigins" value={policy.allowedOrigins.join(', ') || 'none'} />
        <Row label="Exam start page" path="examUrl" value={shown(policy.examUrl)} />
        <Row label="Quit password (for leaving early)" path="hasQuitPassword" value={policy.hasQuitPassword ? 'set by the institution' : 'none'} />
        <Row label="What invigilators see live" path="liveView" value={policy.liveView === 'thumbnails' ? 'status and a camera picture every 12 s' : 'status only'} />
      </dl>
    </section>
  );
}
