/**
 * Steps the exam specs share: a stand-in exam site, loading a policy, the way through consent and the system
 * check, and reading back what the engine stored (through the app's own runtime, see RunningApp.node).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { projectRoot, snap, type RunningApp } from './fixtures';

/** A whole flow takes under a minute here; three minutes leave room for a busy machine. */
export const FLOW_TIMEOUT = 180_000;

/** A stand-in exam site on another origin, the page the exam frame must show. */
export async function startExamSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Exam</title><h1>Question 1</h1><p>What is 6 x 7?</p>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A short exam: calibration at its minimum, at the policy's default rate (12 frames a second).
 * The machine's own gates are off here: CI runs in a virtual machine (a `vm_detected` warning made the attentive
 * flow borderline), and other tests run stand-ins of remote-access programs (copies of sleep named anydesk,
 * teamviewer or x11vnc) that would flag these flows. gates.e2e.test.ts and app/test/attacks test the gates with a policy of their own.
 */
/**
 * The flows' camera is a photo with a camera's sensor noise, which temporal liveness rightly takes for a print held
 * up (spoof_suspected): the flows turn it off and test what they are about; liveness live and from a file is
 * live-vs-file-liveness.e2e's, and a moving print app/engine/liveness/spoof-video.test's. A flow that sets its own
 * `detectors` keeps `...NO_LIVENESS` in them.
 */
export const NO_LIVENESS = { liveness: false } as const;

export const shortExamPolicy = (examOrigin: string) => ({
  calibration: { seconds: 6 },
  detectors: { ...NO_LIVENESS },
  allowedOrigins: [examOrigin],
  os: { remoteSession: 'allow', virtualMachine: 'allow', allowedProcesses: ['anydesk', 'teamviewer', 'x11vnc'] },
});

export async function loadPolicy(page: Page, policy: unknown, name = 'exam.json'): Promise<void> {
  await page.getByTestId('policy-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(policy)) });
}

/** Policy -> consent -> system check; returns the check ids and statuses the screen shows. */
export async function throughSystemCheck(page: Page, shotPrefix: string, policy: unknown): Promise<Record<string, string>> {
  await snap(page, `${shotPrefix}-01-policy`);
  await loadPolicy(page, policy);
  await page.getByTestId('policy-loaded').waitFor();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Before you start: what Vigil records' }).waitFor();
  await snap(page, `${shotPrefix}-02-consent`);
  expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
  await page.getByLabel(/I have read this and agree/).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('system-checks').waitFor({ timeout: 60_000 });
  await snap(page, `${shotPrefix}-03-system-check`);
  const checks: Record<string, string> = {};
  for (const item of await page.locator('[data-check]').all()) checks[(await item.getAttribute('data-check'))!] = (await item.getAttribute('class'))!;
  return checks;
}

/**
 * The voice step, by keyboard alone: the candidate starts reading and Vigil hears whatever the fake microphone
 * plays. Enrolled -> Continue; too little speech -> on without it (Tab from "Try again"), as a candidate may.
 * `shots` names the screenshots before and after listening.
 */
export async function throughVoice(page: Page, shots?: { before: string; after: string }): Promise<'enrolled' | 'too-little'> {
  await page.getByRole('heading', { name: 'Your voice' }).waitFor();
  expect(await page.getByTestId('voice-sentence').textContent()).toMatch(/^I am taking this exam/);
  if (shots) await snap(page, shots.before);
  await page.getByRole('button', { name: /^Start reading/ }).focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="voice"]:is([data-phase="enrolled"], [data-phase="too-little"])').waitFor({ timeout: 60_000 });
  const phase = (await page.getByTestId('voice').getAttribute('data-phase')) as 'enrolled' | 'too-little';
  if (shots) await snap(page, shots.after);
  const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
  // Focus moves to the next action once the phase has rendered.
  if (phase === 'too-little') {
    await expect.poll(focused).toBe('Try again');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Continue without voice enrolment');
  } else {
    await expect.poll(focused).toBe('Continue');
  }
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Calibration' }).waitFor();
  return phase;
}

export type StoredReport = { sessionId: string; segments: { id: number; start: number; end: number; size: number }[]; alerts: { type: string }[]; risk: { level: string }; media: { video: boolean; framesAnalysed: number; audio?: boolean }; calibration: { status: string }; notes: string[] };

/** The report as stored by the engine, read back with the `vigil reports` CLI from the app's data folder. */
export function storedReport(app: RunningApp, sessionId: string): StoredReport {
  const vigil = (...args: string[]) => app.node([join(projectRoot, 'app/cli/vigil.mjs'), 'reports', ...args]);
  const rows = JSON.parse(vigil('list', '--json')) as { id: number; sessionId: string }[];
  const row = rows.find((r) => r.sessionId === sessionId);
  if (!row) throw new Error(`no stored report for session ${sessionId} (stored: ${JSON.stringify(rows)})`);
  return JSON.parse(vigil('show', String(row.id))) as StoredReport;
}

export interface StoredRecord {
  session: { status: string; studentId: string | null; examId: string | null; interruptions: number } | null;
  chain: { ok: boolean; count: number };
  frames: number;
  byType: Record<string, number>;
  prohibited: { t: number; name: string }[];
  segments: { start: number; end: number }[];
  flagged: { start: number; flaggedAt: number }[];
}

/** What the store holds of a live session (read-record.ts, on the app's runtime; the engine may be running). */
export function storedRecord(app: RunningApp, sessionId: string): StoredRecord {
  return JSON.parse(app.node(['--import', 'tsx', join(import.meta.dirname, 'read-record.ts'), join(app.home, 'vigil.db'), sessionId])) as StoredRecord;
}

/**
 * Kills the engine each time the shell starts it again, until the shell gives up (a crash loop: more than
 * MAX_RESTARTS in a minute, app/engine/rpc/engine-supervisor.ts). Returns how many engines were killed.
 */
export async function killEngineForGood(page: Page): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 12; round += 1) {
    let pid: number | undefined;
    for (let i = 0; i < 40 && pid === undefined; i += 1) {
      pid = await page.evaluate(async () => (await window.vigil!.invoke('engine.health', {})).pid).catch(() => undefined);
      if (pid === undefined) await page.waitForTimeout(250);
    }
    if (pid === undefined) return killed;
    process.kill(pid, 'SIGKILL');
    killed += 1;
  }
  throw new Error(`the shell was still restarting its engine after ${killed} kills`);
}

/** Writes a stored evidence segment to `file` (read-segment.ts, on the app's runtime). */
export function writeStoredSegment(app: RunningApp, segmentId: number, file: string): void {
  app.node(['--import', 'tsx', join(import.meta.dirname, 'read-segment.ts'), join(app.home, 'vigil.db'), String(segmentId), file]);
}
