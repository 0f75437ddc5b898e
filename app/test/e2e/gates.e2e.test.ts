/**
 * The exam's start gates, end to end: the app and its engine run as if logged in over SSH (SSH_CONNECTION set in
 * their environment). With the policy's `remoteSession: refuse_to_start` the system check says which condition
 * fails and what to do, Continue stays disabled, and the engine refuses session.start even when the page asks
 * directly; with `warn` the exam starts and the stored report carries the warning.
 */
import { describe, expect } from 'vitest';
import { snap, test } from './fixtures';
import { NO_LIVENESS, shortExamPolicy, startExamSite, storedReport, throughSystemCheck } from './steps';

const SSH = { SSH_CONNECTION: '203.0.113.7 52011 192.0.2.10 22' };

describe('start gates', () => {
  test('over SSH with remoteSession refuse_to_start, the exam does not start and the screen says why', async ({ launch }) => {
    const site = await startExamSite();
    try {
      const app = await launch({ capture: 'synthetic', env: SSH });
      const { page } = app;
      const policy = { ...shortExamPolicy(site.origin), os: { remoteSession: 'refuse_to_start' } };
      const checks = await throughSystemCheck(page, 'gate-refused', policy);
      expect(checks.remote_session).toBe('fail');
      const item = page.locator('[data-check="remote_session"]');
      expect(await item.textContent()).toMatch(/Remote session: Problem.*remote session: ssh.*sit the exam at the computer itself/s);
      expect(await page.getByRole('alert').textContent()).toMatch(/This exam cannot start on this computer until you fix: .*remote session/);
      expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
      await snap(page, 'gate-refused-04-system-check');

      // A page that skips the check (or a candidate at the console) meets the engine's own refusal.
      const refusal = await page.evaluate(async () => {
        try {
          await window.vigil!.invoke('session.start', {});
          return 'started';
        } catch (error) {
          return (error as Error).message;
        }
      });
      // (other kinds may follow ssh: tests elsewhere on this machine run stand-ins of remote-access tools)
      expect(refusal).toMatch(/^start_refused: this exam may not start on this computer: remote session: ssh[^(]* \(what to do: sit the exam at the computer itself/);
      expect(JSON.parse(app.node(['app/cli/vigil.mjs', 'reports', 'list', '--json']))).toEqual([]);
    } finally {
      await site.close();
    }
  });

  test('over SSH with remoteSession warn, the exam starts and the report carries the warning', async ({ launch }) => {
    const site = await startExamSite();
    try {
      const app = await launch({ capture: 'synthetic', env: SSH });
      const { page } = app;
      const policy = { ...shortExamPolicy(site.origin), os: { remoteSession: 'warn' }, detectors: { ...NO_LIVENESS, face: false, identity: false, audio: false } };
      const checks = await throughSystemCheck(page, 'gate-warned', policy);
      expect(checks.remote_session).toBe('warn');
      expect(await page.locator('[data-check="remote_session"]').textContent()).toMatch(/remote session: ssh/);
      expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(false);

      const finished = await page.evaluate(async () => {
        const session = await window.vigil!.invoke('session.start', {});
        return window.vigil!.invoke('session.finish', { sessionId: session.sessionId });
      });
      expect(finished.alerts).toContainEqual(expect.objectContaining({ type: 'remote_session', severity: 'critical' }));
      const report = storedReport(app, finished.sessionId);
      expect(report.alerts.map((a) => a.type)).toContain('remote_session');
      expect(report.notes).toContainEqual(expect.stringMatching(/^Start check \(remote_session\): remote session: ssh[^;]*; the exam policy lets the exam start with a warning\.$/));
    } finally {
      await site.close();
    }
  });
});
