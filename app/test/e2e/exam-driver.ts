/**
 * Sits a whole exam in the real candidate app, as a candidate would, for a given time: policy, consent, system
 * check, identity and voice when the policy has them off, calibration, the exam, finish. Shared by the live-vs-file
 * specs and `vigil bench live`; no vitest here, so the CLI can use it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot, type RunningApp } from './launch';

export interface SatExam {
  readonly sessionId: string;
  /** performance.now() in this process when the calibration screen showed (the session starts with it). */
  readonly sessionStartedMs: number;
  /** When the candidate pressed "Yes, finish". */
  readonly finishedMs: number;
}

export interface ExamHooks {
  /** When the session starts (the calibration screen shows): e.g. start measuring. */
  onSessionStarted?(): Promise<void> | void;
  /** Once the exam page shows (after calibration). */
  onExamRunning?(): Promise<void> | void;
  /** Just before finishing: e.g. stop measuring. */
  beforeFinish?(): Promise<void> | void;
}

/**
 * The policy must turn identity and audio off (they need a person at the keyboard). `examSeconds`: how long after
 * the session's start (the calibration screen) the candidate finishes.
 */
export async function sitExam(app: RunningApp, policy: Record<string, unknown>, examSeconds: number, hooks: ExamHooks = {}): Promise<SatExam> {
  const { page } = app;
  await page.getByTestId('policy-file').setInputFiles({ name: 'exam.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(policy)) });
  await page.getByTestId('policy-loaded').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel(/I have read this and agree/).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('system-checks').waitFor({ timeout: 90_000 });
  await continueTo(page, 'Identity'); // from the system check
  await continueTo(page, 'Your voice'); // identity is off in this policy
  await continueTo(page, 'Calibration'); // so is the microphone
  const sessionStartedMs = performance.now();
  await hooks.onSessionStarted?.();
  await page.getByTestId('calibration-verdict').waitFor({ timeout: 120_000 });
  const status = await page.getByTestId('calibration-verdict').getAttribute('data-status');
  if (status !== 'SUCCESS') throw new Error(`calibration: ${status}: ${await page.getByTestId('calibration-verdict').textContent()}`);
  await page.getByRole('button', { name: 'Start the exam' }).click();
  await page.getByTestId('exam-frame').waitFor({ timeout: 30_000 });
  await hooks.onExamRunning?.();
  const left = sessionStartedMs + examSeconds * 1000 - performance.now();
  if (left > 0) await page.waitForTimeout(left);
  await hooks.beforeFinish?.();
  const finishedMs = performance.now();
  await page.getByRole('button', { name: 'Finish exam…' }).click();
  await page.getByRole('button', { name: 'Yes, finish' }).click();
  await page.getByTestId('finish-summary').waitFor({ timeout: 120_000 });
  const sessionId = (await page.getByTestId('finish-session').textContent()) ?? '';
  return { sessionId, sessionStartedMs, finishedMs };
}

async function continueTo(page: Page, heading: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: 30_000 });
}

export interface LiveReport {
  sessionId: string;
  durationSec: number;
  alerts: { type: string; start: number; end: number; severity: string; evidence?: Record<string, unknown> }[];
  risk: { level: string; score: number };
  media: { framesAnalysed: number };
  notes: string[];
}

/** The report the engine stored for `sessionId`, read with the `vigil reports` CLI on the app's own runtime. */
export function storedLiveReport(app: RunningApp, sessionId: string): LiveReport {
  const vigil = (...args: string[]) => app.node([join(projectRoot, 'app/cli/vigil.mjs'), 'reports', ...args]);
  const rows = JSON.parse(vigil('list', '--json')) as { id: number; sessionId: string }[];
  const row = rows.find((r) => r.sessionId === sessionId);
  if (!row) throw new Error(`no stored report for session ${sessionId}`);
  return JSON.parse(vigil('show', String(row.id))) as LiveReport;
}

/**
 * The file side of a live-vs-file comparison: `policy` written to `dir` (default the app's home), `vigil analyze` on
 * `recording` (the very file Chromium played) on the app's own runtime, and the report it wrote. `fps` overrides the
 * policy's processing rate on the command line.
 */
export function analyzedFileReport(app: RunningApp, recording: string, policy: Record<string, unknown>, options: { dir?: string; fps?: number } = {}): LiveReport {
  const dir = options.dir ?? app.home;
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  const out = join(dir, 'file-report.json');
  const fps = options.fps === undefined ? [] : ['--fps', String(options.fps)];
  app.node([join(projectRoot, 'app/cli/vigil.mjs'), 'analyze', recording, '--config', policyFile, ...fps, '--no-store', '--out', out]);
  return JSON.parse(readFileSync(out, 'utf8')) as LiveReport;
}

export interface Agreement {
  sameAlerts: boolean;
  sameRisk: boolean;
  /** Alerts of one side without a partner on the other (same type, start and end within toleranceSec). */
  liveOnly: { type: string; start: number; end: number }[];
  fileOnly: { type: string; start: number; end: number }[];
  liveRisk: string;
  fileRisk: string;
}

/**
 * Live against file: the same alerts (same types, each start and end within `toleranceSec`, one to one) and the
 * same risk level. An alert still open when the live session was finished ends there; the file's ends with the
 * file, so ends past `liveEndSec` are compared at it.
 */
export function compareReports(live: Pick<LiveReport, 'alerts' | 'risk'>, file: Pick<LiveReport, 'alerts' | 'risk'>, liveEndSec: number, toleranceSec = 0.5): Agreement {
  const clip = (a: { type: string; start: number; end: number }) => ({ type: a.type, start: round(a.start), end: round(Math.min(a.end, liveEndSec)) });
  const fileLeft = file.alerts.map(clip);
  const liveOnly: Agreement['liveOnly'] = [];
  for (const a of live.alerts.map(clip)) {
    const i = fileLeft.findIndex((b) => b.type === a.type && Math.abs(b.start - a.start) <= toleranceSec && Math.abs(b.end - a.end) <= toleranceSec);
    if (i >= 0) fileLeft.splice(i, 1);
    else liveOnly.push(a);
  }
  return { sameAlerts: liveOnly.length === 0 && fileLeft.length === 0, sameRisk: live.risk.level === file.risk.level, liveOnly, fileOnly: fileLeft, liveRisk: live.risk.level, fileRisk: file.risk.level };
}

const round = (v: number) => Math.round(v * 100) / 100;
