import { useEffect } from 'react';
import { subscribe } from '../../lib/ipc-client';
import { useHealthStore } from './store';

/** The first screen: is the engine up, and is this machine ready for an exam. */
export function HealthScreen() {
  const { phase, health, error, refresh, engineDown } = useHealthStore();

  useEffect(() => {
    void refresh();
    return subscribe('engine.status', (status) => {
      if (status.status === 'down') engineDown(status.detail ?? 'the engine stopped');
    });
  }, [refresh, engineDown]);

  return (
    <main>
      <h1>Vigil</h1>
      <p className="subtitle">Exam client: system status</p>
      <section className="panel" aria-labelledby="engine-heading" aria-live="polite">
        <h2 id="engine-heading">Engine</h2>
        {phase === 'loading' && !health && <p>Checking the engine…</p>}
        {phase === 'error' && (
          <p className="error" role="alert" data-testid="engine-error">
            The engine cannot be reached: {error}. Restart Vigil; if it happens again, run <code>vigil doctor</code>.
          </p>
        )}
        {health && (
          <>
            <p className="status" data-testid="engine-status">
              <span className={`dot ${health.status}`} aria-hidden="true" />
              {health.status === 'ok' ? 'Engine running' : health.status === 'degraded' ? 'Engine running with problems' : 'Engine down'}
            </p>
            <dl>
              <dt>Version</dt>
              <dd data-testid="engine-version">{health.engineVersion}</dd>
              <dt>Runtime</dt>
              <dd>
                Node {health.runtime.node} on {health.runtime.platform}-{health.runtime.arch} ({health.runtime.host})
              </dd>
              <dt>Storage</dt>
              <dd data-testid="engine-storage">
                schema v{health.storage.schemaVersion}, {health.storage.journalMode}, {health.storage.sessions} session(s)
              </dd>
            </dl>
          </>
        )}
      </section>
      {health && (
        <section className="panel" aria-labelledby="checks-heading">
          <h2 id="checks-heading">System checks</h2>
          <table data-testid="checks">
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {health.checks.map((check) => (
                <tr key={check.id} data-check={check.id}>
                  <td>{check.id}</td>
                  <td>
                    <span className="status">
                      <span className={`dot ${check.status}`} aria-hidden="true" />
                      {check.status}
                    </span>
                  </td>
                  <td>{check.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <button type="button" onClick={() => void refresh()} disabled={phase === 'loading'}>
        Check again
      </button>
    </main>
  );
}
