/**
 * The invigilator console end to end: headless Chromium on `vigil-server start` as a process (fresh
 * VIGIL_SERVER_HOME), on PGlite and on a throwaway PostgreSQL cluster, with a real engine session (`vigil analyze
 * --server` on a recording made by ffmpeg from the vision package's sample photos) and a live candidate speaking
 * the sync protocol over loopback. Screenshots of every screen go to test-output/console/.
 * Attacks tried and what each got back: a reviewer opening the policy screen by URL (the console says it is not
 * for their role; the server answers the write 403), a second reviewer deciding from a stale page (409, shown
 * with who changed it), an expired sign-in (back to sign-in with a message), an invalid policy value (refused,
 * naming the field and the rule).
 */
import AxeBuilder from '@axe-core/playwright';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';
import { startServerProcess, vigilServerCommand, type ServerProcess } from './server-process';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-output', 'console');
const PASSWORD = 'correct horse battery staple';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function snap(page: Page, kind: string, name: string) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${kind}-${name}.png`), fullPage: true });
}

/** No serious or critical axe violation on the page as it is now. */
async function expectAccessible(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Presses Tab until the focused element matches `selector` (and has `text`), as a keyboard user would; fails after 80 presses. */
async function tabTo(page: Page, selector: string, text?: string) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(([sel, t]) => !!document.activeElement?.matches(sel!) && (t === undefined || document.activeElement.textContent === t), [selector, text] as const);
    if (here) return;
  }
  throw new Error(`Tab never reached ${selector} ${text ?? ''}`);
}

/** A 6 s recording: one face, then five faces for 3 s (a flagged interval and an evidence clip), then one face. */
function makeRecording(dir: string): string {
  const assets = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human')), '..', 'assets');
  const clip = join(dir, 'exam.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-t', '2', '-i', join(assets, 'screenshot-faceid.jpg'), '-loop', '1', '-t', '3', '-i', join(assets, 'screenshot-facedetect.jpg'), '-loop', '1', '-t', '1', '-i', join(assets, 'screenshot-faceid.jpg'),
    '-filter_complex', '[0]pad=800:718:0:77,setsar=1[a];[1]setsar=1[b];[2]pad=800:718:0:77,setsar=1[c];[a][b][c]concat=n=3:v=1[v]', '-map', '[v]', '-r', '6', '-pix_fmt', 'yuv420p', clip]);
  return clip;
}

describe.each(['pglite', 'postgres'] as const)('invigilator console on %s', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), `vigil-console-${kind}-`));
  const env: NodeJS.ProcessEnv = { VIGIL_SERVER_HOME: join(dir, 'server') };
  let cluster: PostgresCluster | null = null;
  let server: ServerProcess;
  let browser: Browser;
  let examId = '';
  let examToken = '';

  beforeAll(async () => {
    if (kind === 'postgres') {
      cluster = await startPostgresCluster();
      env.DATABASE_URL = await cluster.createDatabase('vigil_console');
    }
    writeFileSync(join(dir, 'password'), PASSWORD);
    vigilServerCommand(env, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]);
    for (const role of ['invigilator', 'reviewer']) vigilServerCommand(env, ['user', 'add', '--email', `${role}@example.org`, '--role', role, '--password-file', join(dir, 'password')]);
    server = await startServerProcess(env);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Sign-in is rate limited (five a minute per address), so each role signs in once and keeps its page.
  const signedIn: Partial<Record<'admin' | 'invigilator' | 'reviewer', Page>> = {};
  async function signIn(role: 'admin' | 'invigilator' | 'reviewer', hash = '') {
    const kept = signedIn[role];
    if (kept) {
      await kept.goto(`${server.url}/${hash}`);
      await kept.getByText(`${role}@example.org (${role})`).waitFor();
      return kept;
    }
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/${hash}`);
    await page.getByLabel('Email').fill(`${role}@example.org`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByText(`${role}@example.org (${role})`).waitFor();
    signedIn[role] = page;
    return page;
  }

  it('an admin signs in with Enter, lands on Exams, creates an exam, is told which policy field is wrong, saves the policy and quit password, assigns an invigilator', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/`);
    await expectAccessible(page);
    await snap(page, kind, 'sign-in');
    await page.getByLabel('Email').fill('admin@example.org');
    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Password').press('Enter');
    await expect.poll(() => page.getByTestId('sign-in-message').textContent()).toBe('Wrong email or password.');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Exams' }).waitFor();

    await page.getByLabel('Exam name').fill('Algebra 1');
    await page.getByRole('button', { name: 'Create exam' }).click();
    const created = await page.getByTestId('exam-created').textContent();
    examToken = /token .*: ([A-Za-z0-9_-]{43})/.exec(created ?? '')![1]!;
    await expectAccessible(page);
    await snap(page, kind, 'exams');

    await page.getByRole('link', { name: 'Policy of Algebra 1' }).click();
    examId = /#\/exams\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await page.getByRole('heading', { name: 'Exam policy' }).waitFor();
    // Each field shows the schema's default and what it does.
    await expect.poll(() => page.locator('#f-processingFps-help').textContent()).toMatch(/Default: 12\./);
    await page.getByLabel('Camera frames analysed per second').fill('99');
    await expect.poll(() => page.getByTestId('policy-problem').textContent()).toMatch(/processingFps.*30/);
    await expect.poll(() => page.getByLabel('Camera frames analysed per second').getAttribute('aria-invalid')).toBe('true');
    await snap(page, kind, 'policy-invalid');
    // Publishing needs an allowed exam site first.
    await page.getByRole('button', { name: 'Publish signed exam file' }).click();
    await expect.poll(() => page.getByTestId('publish-problem').textContent()).toMatch(/allowedOrigins — a published exam needs at least one allowed exam site/);
    await page.getByLabel('Camera frames analysed per second').fill('10');
    await page.getByLabel('Allowed exam sites, one address per line').fill('https://exam.example.org');
    await page.getByLabel(/New quit password/).fill('let me out please');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.getByTestId('policy-saved').textContent()).toBe('Policy and quit password saved.');
    await page.getByRole('button', { name: 'Publish signed exam file' }).click();
    await expect.poll(() => page.getByTestId('published').textContent()).toMatch(/download algebra-1\.vigil-exam/);
    const signed = await page.getByLabel(/Signed exam config/).inputValue();
    expect(signed).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // And as a link holding the same signed text (the candidate app opens it: app/test/e2e/exam-link.e2e.test.ts).
    expect(await page.getByLabel(/Exam link/).inputValue()).toBe(`vigil://exam/config/${signed}`);
    // The token inside the signed file is the one candidates enrol with from now on.
    examToken = (JSON.parse(Buffer.from(signed.split('.')[1]!, 'base64url').toString()) as { enrolmentToken: string }).enrolmentToken;
    await page.getByLabel('Invigilator to assign').selectOption({ label: 'invigilator@example.org' });
    await page.getByRole('button', { name: 'Assign' }).click();
    await page.getByRole('listitem').filter({ hasText: 'invigilator@example.org' }).waitFor();
    await expectAccessible(page);
    await snap(page, kind, 'policy');
    signedIn.admin = page;
  });

  it('an invigilator sees a session live within 2 s of its heartbeat, filters by state, sends a message and sees it confirmed', async () => {
    expect(examToken).not.toBe('');
    const page = await signIn('invigilator');
    await page.getByRole('link', { name: 'Monitor Algebra 1' }).click();
    await page.getByText('Live: updates arrive').waitFor();
    // A candidate device speaking sync protocol v1 over loopback.
    const clientSessionId = `live-${randomBytes(4).toString('hex')}`;
    const enrol = await (await fetch(`${server.url}/api/v1/sync/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ protocol: 1, examToken, clientSessionId, enrolSecret: randomBytes(32).toString('base64url'), candidate: { studentId: 'st-live' }, device: { platform: 'linux', arch: 'x64', release: '6.1' }, engineVersion: '0.1.0', startedAt: new Date().toISOString() }) })).json() as { sessionId: string; sessionToken: string };
    const beat = async (warnings: string[], confirmed: string[] = []) => {
      const res = await fetch(`${server.url}/api/v1/sync/sessions/${enrol.sessionId}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${enrol.sessionToken}` }, body: JSON.stringify({ protocol: 1, clock: new Date().toISOString(), intervalScore: warnings.length * 9, riskLevel: warnings.length ? 'SUSPICIOUS' : 'CLEAN', activeWarnings: warnings, pendingOutbox: 2, chainHead: { seq: 0, hash: '' }, confirmed }) });
      return (await res.json()) as { instruction: { id: string; kind: string } | null };
    };
    const row = page.locator(`tr[data-session="${enrol.sessionId}"]`);
    await row.waitFor({ timeout: 2000 });
    const sent = Date.now();
    await beat(['multiple_faces']);
    await expect.poll(() => row.getByTestId('warnings').textContent(), { timeout: 2000 }).toBe('multiple_faces');
    const seenAfter = Date.now() - sent;
    expect(seenAfter).toBeLessThan(2000);
    expect(await row.getByTestId('interval-score').textContent()).toBe('9');
    await page.getByLabel('Show').selectOption('finished');
    await page.getByText('No session to show.').waitFor();
    await page.getByLabel('Show').selectOption('incident');
    await row.waitFor();
    await page.getByLabel('Message to st-live').fill('Please face the camera.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('instruction-sent').textContent()).toMatch(/waiting for the candidate's confirmation/);
    const answer = await beat(['multiple_faces']);
    expect(answer.instruction?.kind).toBe('message');
    await beat([], [answer.instruction!.id]);
    await expect.poll(() => row.getByTestId('instruction-state').textContent(), { timeout: 2000 }).toMatch(/^message: confirmed/);
    await expect.poll(() => page.getByTestId('live-announcement').textContent()).toMatch(/st-live confirmed the message instruction/);
    await expectAccessible(page);
    await snap(page, kind, 'monitor');
    // The invigilator's screens stop at monitoring: review is not theirs.
    await page.goto(`${server.url}/#/exams/${examId}/review`);
    await page.getByTestId('not-allowed').waitFor();
  }, 60_000);

  it('a reviewer reviews a real engine session by keyboard alone: the clip plays, a flag is dismissed with a note, the stats and the export change', async () => {
    // The engine analyses a recording and syncs it to the server as a candidate's device would.
    const clip = makeRecording(dir);
    const run = spawnSync(process.execPath, [join(root, 'app', 'cli', 'vigil.mjs'), 'analyze', clip, '--server', server.url, '--exam-token', examToken, '--student', 'st-rec', '--calibration-seconds', '0', '--fps', '3', '--out', join(dir, 'report.json')], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: join(dir, 'client') }, timeout: 240_000 });
    expect(run.status, run.stderr).toBe(0);

    const page = await signIn('reviewer');
    await tabTo(page, 'a[aria-label="Review Algebra 1"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    await expectAccessible(page);
    await snap(page, kind, 'review-sessions');
    await tabTo(page, 'a[href^="#/sessions/"]', 'st-rec');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review: st-rec' }).waitFor();
    await expect.poll(() => page.getByTestId('chain-state').textContent()).toMatch(/Event chain verified/);
    const flag = page.locator('li.flag').filter({ has: page.getByTestId('evidence-clip') }).first();
    await expect.poll(() => flag.textContent()).toMatch(/A flag is a reason to look, not a verdict\./);
    const flagKey = (await flag.getAttribute('data-flag'))!;
    // The clip plays in the page, fetched with range requests.
    const video = flag.getByTestId('evidence-clip');
    await video.evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()));
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(0);
    await expectAccessible(page);
    await snap(page, kind, 'review');

    await tabTo(page, `li[data-flag="${flagKey}"] input`);
    await page.keyboard.type('two people were on the poster behind the candidate');
    await page.keyboard.press('Tab'); // Confirm
    await page.keyboard.press('Tab'); // Dismiss
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('review-saved').textContent()).toBe('Flag marked dismissed.');
    await expect.poll(() => page.locator(`li[data-flag="${flagKey}"]`).getByTestId('flag-decision').textContent()).toMatch(/^dismissed by reviewer@example\.org .*two people were on the poster/);
    await tabTo(page, '#review-status');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // No violation
    await page.keyboard.press('Tab');
    await page.keyboard.type('the flag was the poster');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('review-status').textContent()).toBe('no violation');

    await page.goto(`${server.url}/#/exams/${examId}/stats`);
    const dismissed = async () => (await page.getByTestId('dismissed').allTextContents()).reduce((n, t) => n + Number(t), 0);
    await expect.poll(dismissed).toBe(1);
    await expectAccessible(page);
    await snap(page, kind, 'stats');
    const csv = await page.evaluate((url) => fetch(url).then((r) => r.text()), `/api/v1/exams/${examId}/review-export?format=csv`);
    expect(csv).toMatch(/st-rec,.*dismissed,two people were on the poster behind the candidate,reviewer@example\.org/);
    const labels = await page.evaluate((url) => fetch(url).then((r) => r.json()), `/api/v1/exams/${examId}/review-export?format=labels`);
    expect(labels).toContainEqual(expect.objectContaining({ cheating: false, reviewer: 'reviewer@example.org' }));
  }, 300_000);

  it('refuses a second reviewer deciding from a stale page, a reviewer on the policy screen, and an expired sign-in', async () => {
    const admin = await signIn('admin', `#/exams/${examId}/review`);
    await admin.getByRole('link', { name: 'st-rec' }).click();
    await admin.getByRole('heading', { name: 'Review: st-rec' }).waitFor();
    const reviewer = await signIn('reviewer', `#/exams/${examId}/review`);
    await reviewer.getByRole('link', { name: 'st-rec' }).click();
    await reviewer.getByRole('heading', { name: 'Review: st-rec' }).waitFor();
    await reviewer.getByLabel('Status', { exact: true }).selectOption('suspicious');
    await reviewer.getByRole('button', { name: 'Save status' }).click();
    await expect.poll(() => reviewer.getByTestId('review-status').textContent()).toBe('suspicious');
    // The admin's page still shows the older version: their decision must not silently win.
    await admin.getByLabel('Status', { exact: true }).selectOption('violation');
    await admin.getByRole('button', { name: 'Save status' }).click();
    await expect.poll(() => admin.getByTestId('review-conflict').textContent()).toMatch(/Not saved: reviewer@example\.org reviewed this session at .* after you opened it/);
    await expect.poll(() => admin.getByTestId('review-status').textContent()).toBe('suspicious');
    await snap(admin, kind, 'review-conflict');

    await reviewer.goto(`${server.url}/#/exams/${examId}`);
    await reviewer.getByTestId('not-allowed').waitFor();
    expect(await reviewer.getByLabel('Camera frames analysed per second').count()).toBe(0);
    const refused = await reviewer.evaluate((url) => fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: {} }) }).then((r) => r.status), `/api/v1/exams/${examId}/policy`);
    expect(refused).toBe(403);
    await snap(reviewer, kind, 'not-allowed');

    // The sign-in ends (its cookie is gone); the next request brings the sign-in screen back with a message.
    await reviewer.context().clearCookies();
    await reviewer.goto(`${server.url}/#/exams/${examId}/stats`);
    await reviewer.getByLabel('Email').waitFor();
    await admin.context().clearCookies();
    await admin.getByRole('link', { name: 'Vigil console' }).click();
    await expect.poll(() => admin.getByTestId('sign-in-message').textContent()).toBe('Your sign-in has expired. Sign in again.');
    await expectAccessible(admin);
    await snap(admin, kind, 'expired');
    await admin.context().close();
    await reviewer.context().close();
  }, 60_000);
});
