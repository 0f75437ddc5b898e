/**
 * The invigilator console end to end: headless Chromium on `vigil-server start` as a process (fresh
 * VIGIL_SERVER_HOME), on PGlite and on a throwaway PostgreSQL cluster. The candidate is the REAL candidate app
 * (the browser shell, app/test/e2e/launch.ts, built as the institution's installer would be: its trust file holds
 * this server's exam-signing key, app/test/e2e/institution-app.ts): it opens the file the admin published, its
 * engine session enrols with the token inside and sits the exam on a recording made by ffmpeg from the vision
 * package's sample photo (the face leaves the picture: a no_face flag and its clip). A second candidate device
 * speaks the sync protocol by hand for the monitor's filters. Screenshots of every screen go to
 * test-output/console/ (the candidate app's as `<db>-candidate-*.png`).
 * Attacks tried and what each got back: a reviewer opening the policy screen by URL (the console says it is not
 * for their role; the server answers the write 403), a second reviewer deciding from a stale page (409, shown
 * with who changed it), an expired sign-in (back to sign-in with a message), an invalid policy value (refused,
 * naming the field and the rule).
 */
import AxeBuilder from '@axe-core/playwright';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustEntry } from '../../app/engine/config/signed-config';
import { institutionApp } from '../../app/test/e2e/institution-app';
import { launchApp, type RunningApp } from '../../app/test/e2e/launch';
import { faceLeavesVideo, speechWav } from '../../app/test/e2e/media';
import { startExamSite } from '../../app/test/e2e/steps';
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

describe.each(['pglite', 'postgres'] as const)('invigilator console on %s', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), `vigil-console-${kind}-`));
  const env: NodeJS.ProcessEnv = { VIGIL_SERVER_HOME: join(dir, 'server') };
  let cluster: PostgresCluster | null = null;
  let server: ServerProcess;
  let browser: Browser;
  let examId = '';
  let examToken = '';
  let examSite: Awaited<ReturnType<typeof startExamSite>>;
  let candidate: RunningApp | null = null;

  beforeAll(async () => {
    if (kind === 'postgres') {
      cluster = await startPostgresCluster();
      env.DATABASE_URL = await cluster.createDatabase('vigil_console');
    }
    writeFileSync(join(dir, 'password'), PASSWORD);
    vigilServerCommand(env, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]);
    for (const role of ['invigilator', 'reviewer']) vigilServerCommand(env, ['user', 'add', '--email', `${role}@example.org`, '--role', role, '--password-file', join(dir, 'password')]);
    server = await startServerProcess(env);
    examSite = await startExamSite();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });
  afterAll(async () => {
    await candidate?.close();
    await examSite?.close();
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

  it('an invigilator sees a session live within 2 s of its heartbeat, filters by state, sends a message and a pause and sees each confirmed', async () => {
    expect(examToken).not.toBe('');
    const page = await signIn('invigilator');
    await page.getByRole('link', { name: 'Monitor Algebra 1' }).click();
    await page.getByText('Live: updates arrive').waitFor();
    // A candidate device speaking sync protocol v1 over loopback.
    const clientSessionId = `live-${randomBytes(4).toString('hex')}`;
    const enrol = await (await fetch(`${server.url}/api/v1/sync/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ protocol: 1, examToken, clientSessionId, enrolSecret: randomBytes(32).toString('base64url'), candidate: { studentId: 'st-live' }, device: { platform: 'linux', arch: 'x64', release: '6.1' }, engineVersion: '0.1.0', startedAt: new Date().toISOString() }) })).json() as { sessionId: string; sessionToken: string };
    const beat = async (warnings: string[], confirmed: string[] = []) => {
      const res = await fetch(`${server.url}/api/v1/sync/sessions/${enrol.sessionId}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${enrol.sessionToken}` }, body: JSON.stringify({ protocol: 1, clock: new Date().toISOString(), intervalScore: warnings.length * 9, riskLevel: warnings.length ? 'SUSPICIOUS' : 'CLEAN', activeWarnings: warnings, pendingOutbox: 2, chainHead: { seq: 0, hash: '' }, confirmed }) });
      return (await res.json()) as { instruction: { id: string; kind: string; message?: string } | null };
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
    // The pause button sends a pause, with the words in the message field if any, confirmed like the rest.
    await page.getByLabel('Message to st-live').fill('Wait for the invigilator.');
    await page.getByRole('button', { name: 'Pause the exam of st-live' }).click();
    await expect.poll(() => page.getByTestId('instruction-sent').textContent()).toMatch(/^Sent pause to st-live; waiting/);
    const paused = await beat([]);
    expect(paused.instruction).toMatchObject({ kind: 'pause', message: 'Wait for the invigilator.' });
    await beat([], [paused.instruction!.id]);
    await expect.poll(() => row.getByTestId('instruction-state').textContent(), { timeout: 2000 }).toMatch(/^pause: confirmed/);
    await expectAccessible(page);
    await snap(page, kind, 'monitor');
    // The invigilator's screens stop at monitoring: review is not theirs.
    await page.goto(`${server.url}/#/exams/${examId}/review`);
    await page.getByTestId('not-allowed').waitFor();
  }, 60_000);

  it('the real candidate app opens the published exam, enrols, shows live with a flag within 2 s of its heartbeat, and takes a pause, a message and a finish with their confirmations', async () => {
    // The exam as a candidate can sit it unattended here: identity and microphone off (they need a person),
    // calibration at its minimum, the machine's own gates allowed (CI is a virtual machine), one no-face episode
    // enough to flag its interval. The editor's fields were exercised by the first spec; this is the same PUT.
    const admin = await signIn('admin', `#/exams/${examId}`);
    const policy = { calibration: { seconds: 6 }, allowedOrigins: [examSite.origin], detectors: { identity: false, audio: false }, intervals: { flagThreshold: 9 }, os: { remoteSession: 'allow', virtualMachine: 'allow', allowedProcesses: ['anydesk', 'teamviewer', 'x11vnc'] } };
    const saved = await admin.evaluate(async ([id, body]) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      return (await fetch(`/api/v1/exams/${id}/policy`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ policy: body }) })).status;
    }, [examId, policy] as const);
    expect(saved).toBe(200);
    await admin.reload();
    await admin.getByRole('heading', { name: 'Exam policy' }).waitFor();
    await admin.getByRole('button', { name: 'Publish signed exam file' }).click();
    await expect.poll(() => admin.getByTestId('published').textContent()).toMatch(/download algebra-1\.vigil-exam/);
    const signed = await admin.getByLabel(/Signed exam config/).inputValue();

    // The institution's build of the candidate app trusts this server's key (and only for this server).
    const publicKey = createPublicKey(readFileSync(join(env.VIGIL_SERVER_HOME!, 'keys', 'exam-signing.pub.pem'), 'utf8')).export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
    const appRoot = institutionApp({ version: 1, keys: [await trustEntry(publicKey, 'Example University', { servers: [{ url: server.url }] })] });
    // Present for the first 12 s of the session (calibration sees the face), then gone.
    candidate = await launchApp({ appRoot, capture: { video: faceLeavesVideo(12, 300), audio: speechWav() } });
    const app = candidate.page;
    await candidate.open('?student=st-app');
    await app.getByTestId('policy-file').setInputFiles({ name: 'algebra-1.vigil-exam', mimeType: 'application/octet-stream', buffer: Buffer.from(signed) });
    await app.getByTestId('policy-loaded').waitFor({ timeout: 30_000 });
    expect(await app.getByTestId('exam-banner').count()).toBe(0); // a signed exam, not practice or unsigned
    await snap(app, kind, 'candidate-exam-opened');
    await app.getByRole('button', { name: 'Continue' }).click();
    await app.getByLabel(/I have read this and agree/).check();
    await app.getByRole('button', { name: 'Continue' }).click();
    await app.getByTestId('system-checks').waitFor({ timeout: 90_000 });
    for (const heading of ['Identity', 'Your voice', 'Calibration']) {
      await app.getByRole('button', { name: 'Continue', exact: true }).click();
      await app.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: 30_000 });
    }
    await app.getByTestId('calibration-verdict').waitFor({ timeout: 120_000 });
    expect(await app.getByTestId('calibration-verdict').getAttribute('data-status')).toBe('SUCCESS');
    await app.getByRole('button', { name: 'Start the exam' }).click();
    await app.getByTestId('exam-frame').waitFor({ timeout: 30_000 });

    // The session is live in the console: enrolled with the token from the file, heartbeating.
    const page = await signIn('invigilator');
    await page.getByRole('link', { name: 'Monitor Algebra 1' }).click();
    await page.getByText('Live: updates arrive').waitFor();
    const row = page.locator('tr[data-session]').filter({ hasText: 'st-app' });
    await row.waitFor({ timeout: 30_000 });
    const sessionId = (await row.getAttribute('data-session'))!;
    // When did the server get the first heartbeat carrying the flag? Asked every 100 ms, beside the page.
    type MonitorRow = { id: string; warnings: string[]; lastHeartbeatAt: string | null };
    const flaggedHeartbeatAt = (async () => {
      for (let i = 0; i < 1500; i++) {
        const rows = await page.evaluate((id) => fetch(`/api/v1/exams/${id}/monitor`).then((r) => r.json()), examId) as MonitorRow[];
        const mine = rows.find((r) => r.id === sessionId);
        if (mine?.warnings.includes('no_face')) return Date.parse(mine.lastHeartbeatAt!);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no heartbeat carried no_face');
    })();
    await row.getByTestId('warnings').getByText(/no_face/).waitFor({ timeout: 120_000 });
    const shownAt = Date.now();
    expect(shownAt - (await flaggedHeartbeatAt)).toBeLessThan(2000);
    await snap(page, kind, 'monitor-candidate-flagged');

    // A pause (the server's instruction API; the console offers message and finish) covers the exam page.
    const paused = await page.evaluate(async (id) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      return (await fetch(`/api/v1/sessions/${id}/instructions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ kind: 'pause', message: 'Wait for the invigilator.' }) })).status;
    }, sessionId);
    expect(paused).toBe(201);
    await app.getByTestId('exam-paused').filter({ hasText: 'Wait for the invigilator.' }).waitFor({ timeout: 30_000 });
    expect(await app.getByTestId('exam-frame').isHidden()).toBe(true);
    await expect.poll(() => row.getByTestId('instruction-state').textContent(), { timeout: 30_000 }).toMatch(/^pause: confirmed/);
    await snap(app, kind, 'candidate-paused');
    // A message reaches the candidate's screen and lifts the pause; the console sees it confirmed on the next heartbeat.
    await page.getByLabel('Message to st-app').fill('Please come back in front of the camera.');
    await page.getByLabel('Message to st-app').press('Enter');
    await app.getByTestId('invigilator-message').filter({ hasText: 'Please come back in front of the camera.' }).waitFor({ timeout: 30_000 });
    expect(await app.getByTestId('exam-paused').count()).toBe(0);
    expect(await app.getByTestId('exam-frame').isVisible()).toBe(true);
    await snap(app, kind, 'candidate-message');
    await expect.poll(() => row.getByTestId('instruction-state').textContent(), { timeout: 30_000 }).toMatch(/^message: confirmed/);

    // Finish: the app hands the exam in by itself, says who finished it, and shows what was sent and what waits.
    await page.getByRole('button', { name: 'Finish the exam of st-app' }).click();
    await app.getByTestId('finished-by-invigilator').waitFor({ timeout: 180_000 }).catch(async (error: Error) => {
      await snap(app, kind, 'candidate-finish-failed');
      throw new Error(`${error.message}\nThe candidate app shows: ${(await app.locator('body').innerText()).slice(0, 1500)}`);
    });
    await expect.poll(() => app.getByTestId('finish-waiting').textContent(), { timeout: 120_000 }).toBe('nothing');
    expect(await app.getByTestId('finish-sent').textContent()).toMatch(/^everything: \d+ items, acknowledged by the server$/);
    await snap(app, kind, 'candidate-finish');
    await expect.poll(() => row.getByTestId('instruction-state').textContent(), { timeout: 30_000 }).toMatch(/^finish: confirmed/);
    await expectAccessible(page);
    await snap(page, kind, 'monitor-candidate-finished');
    await candidate.close();
    candidate = null;
  }, 420_000);

  it('a reviewer reviews the real candidate session by keyboard alone: the clip plays, a flag is dismissed with a note, the stats and the export change', async () => {
    const page = await signIn('reviewer');
    await tabTo(page, 'a[aria-label="Review Algebra 1"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    await expectAccessible(page);
    await snap(page, kind, 'review-sessions');
    await tabTo(page, 'a[href^="#/sessions/"]', 'st-app');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review: st-app' }).waitFor();
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
    await page.keyboard.type('the invigilator had allowed a short break');
    await page.keyboard.press('Tab'); // Confirm
    await page.keyboard.press('Tab'); // Dismiss
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('review-saved').textContent()).toBe('Flag marked dismissed.');
    await expect.poll(() => page.locator(`li[data-flag="${flagKey}"]`).getByTestId('flag-decision').textContent()).toMatch(/^dismissed by reviewer@example\.org .*the invigilator had allowed a short break/);
    await tabTo(page, '#review-status');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // No violation
    await page.keyboard.press('Tab');
    await page.keyboard.type('the flag was the allowed break');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('review-status').textContent()).toBe('no violation');

    await page.goto(`${server.url}/#/exams/${examId}/stats`);
    const dismissed = async () => (await page.getByTestId('dismissed').allTextContents()).reduce((n, t) => n + Number(t), 0);
    await expect.poll(dismissed).toBe(1);
    await expectAccessible(page);
    await snap(page, kind, 'stats');
    const csv = await page.evaluate((url) => fetch(url).then((r) => r.text()), `/api/v1/exams/${examId}/review-export?format=csv`);
    expect(csv).toMatch(/st-app,.*dismissed,the invigilator had allowed a short break,reviewer@example\.org/);
    const labels = await page.evaluate((url) => fetch(url).then((r) => r.json()), `/api/v1/exams/${examId}/review-export?format=labels`);
    expect(labels).toContainEqual(expect.objectContaining({ cheating: false, reviewer: 'reviewer@example.org' }));
  }, 300_000);

  it('refuses a second reviewer deciding from a stale page, a reviewer on the policy screen, and an expired sign-in', async () => {
    const admin = await signIn('admin', `#/exams/${examId}/review`);
    await admin.getByRole('link', { name: 'st-app' }).click();
    await admin.getByRole('heading', { name: 'Review: st-app' }).waitFor();
    const reviewer = await signIn('reviewer', `#/exams/${examId}/review`);
    await reviewer.getByRole('link', { name: 'st-app' }).click();
    await reviewer.getByRole('heading', { name: 'Review: st-app' }).waitFor();
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
