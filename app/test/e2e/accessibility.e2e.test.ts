/**
 * The candidate app's accessibility, screen by screen (issue #18): axe finds no serious or critical violation on
 * any screen of the flow (opening an exam and a refused one, consent, the system check and a refused start gate,
 * identity, voice, calibration, the exam with a warning, the quit prompt, finishing, the camera refused, the
 * exam's read-only settings, system status), each saved as test-output/e2e/a11y-<screen>.png. The whole exam is
 * walked by keyboard alone (Tab to a control, Enter or Space on it; the policy file is handed to the focused file
 * input as the OS file chooser would), and changes that arrive without the candidate acting (the step, warnings)
 * are announced through polite live regions.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { hashPassword } from '../../engine/live/password';
import { expectAccessible, liveRegions, pressOn, tabTo } from './accessibility';
import { test } from './fixtures';
import { faceLeavesVideo, speechWav } from './media';
import { FLOW_TIMEOUT, loadPolicy, shortExamPolicy, startExamSite, throughVoice } from './steps';

let examSite: Awaited<ReturnType<typeof startExamSite>>;
beforeAll(async () => (examSite = await startExamSite()));
afterAll(() => examSite.close());

describe('candidate app accessibility', () => {
  test('every screen of the exam passes axe, by keyboard alone, with changes announced politely', async ({ launch }) => {
    // Present for calibration, then gone, so a warning appears during the exam.
    const app = await launch({ capture: { video: faceLeavesVideo(12, 40), audio: speechWav() } });
    const { page } = app;
    const policy = { ...shortExamPolicy(examSite.origin), rules: { noFaceFrames: 6 }, quitPasswordHash: await hashPassword('invigilator-lets-you-go') };

    await page.getByRole('heading', { name: 'Open your exam' }).waitFor();
    await expectAccessible(page, '01-open-exam');
    // The settings view before any exam is open, reached by keyboard from the footer.
    await pressOn(page, page.getByRole('link', { name: 'Exam settings' }));
    await page.getByTestId('settings-none').waitFor();
    await expectAccessible(page, '02-settings-no-exam');
    await pressOn(page, page.getByRole('link', { name: 'Back to the exam' }));

    // A refused exam file: the problem takes the focus and says field and rule.
    await tabTo(page, page.getByTestId('policy-file'));
    await loadPolicy(page, { processingFps: 90 }, 'broken-exam.json');
    await page.getByTestId('policy-problem').waitFor();
    expect(await page.getByTestId('policy-problem').evaluate((el) => el === document.activeElement)).toBe(true);
    await expectAccessible(page, '03-exam-refused');
    await pressOn(page, page.getByRole('button', { name: 'Choose another file' }));

    await tabTo(page, page.getByTestId('policy-file'));
    await loadPolicy(page, policy);
    await page.getByTestId('policy-loaded').waitFor();
    await expectAccessible(page, '04-exam-ready');
    // Its settings, read-only: nothing on the screen can change them.
    await pressOn(page, page.getByRole('link', { name: 'Exam settings' }));
    await page.getByTestId('settings-read-only').waitFor();
    expect(await page.locator('main input, main textarea, main select, main button').count()).toBe(0);
    expect(await page.locator('[data-path="processingFps"]').textContent()).toBe('12');
    await expectAccessible(page, '05-settings-read-only');
    await pressOn(page, page.getByRole('link', { name: 'Back to the exam' }));
    await pressOn(page, page.getByRole('button', { name: 'Continue' }));

    await page.getByRole('heading', { name: 'Before you start: what Vigil records' }).waitFor();
    expect(await page.getByTestId('announcer').textContent()).toBe('Step 1 of 7: Privacy');
    await expectAccessible(page, '06-consent');
    await pressOn(page, page.getByLabel(/I have read this and agree/), 'Space');
    await pressOn(page, page.getByRole('button', { name: 'Continue' }));

    await page.getByTestId('system-checks').waitFor({ timeout: 60_000 });
    await expectAccessible(page, '07-system-check');
    await pressOn(page, page.getByRole('button', { name: 'Continue' }));

    await page.getByRole('heading', { name: 'Identity', exact: true }).waitFor();
    await expectAccessible(page, '08-identity');
    await pressOn(page, page.getByRole('button', { name: 'Take the photo' }));
    await page.locator('[data-testid="identity"][data-phase="not-passed"], [data-testid="identity-unavailable"]').first().waitFor({ timeout: 60_000 });
    await expectAccessible(page, '09-identity-result');
    await pressOn(page, page.getByRole('button', { name: 'Continue' }));

    // The voice step is keyboard-only in its own helper.
    await throughVoice(page);
    await page.getByRole('heading', { name: 'Calibration' }).waitFor();
    await expectAccessible(page, '10-calibration');
    await page.getByTestId('calibration-verdict').waitFor({ timeout: 120_000 });
    await expectAccessible(page, '11-calibration-verdict');
    await pressOn(page, page.getByRole('button', { name: 'Start the exam' }));

    await page.frameLocator('[data-testid="exam-frame"]').getByRole('heading', { name: 'Question 1' }).waitFor({ timeout: 30_000 });
    await expectAccessible(page, '12-exam');
    // The face has left: the warning arrives in a region that was there before it, and that region is polite.
    const warning = page.locator('[data-testid="warnings"] li').first();
    await warning.waitFor({ timeout: 90_000 });
    expect(await warning.evaluate((li) => li.closest('[aria-live]')?.getAttribute('aria-live'))).toBe('polite');
    expect(await page.getByTestId('status-light').getAttribute('aria-live')).toBe('polite');
    expect((await liveRegions(page)).filter((r) => r.live === 'assertive')).toEqual([]);
    await expectAccessible(page, '13-exam-warning');
    await pressOn(page, page.getByRole('button', { name: /^Dismiss warning/ }).first());

    // The quit prompt: opened, a wrong password refused, closed with Escape.
    await pressOn(page, page.getByRole('button', { name: 'Quit exam…' }));
    const prompt = page.getByRole('dialog', { name: 'Quit the exam' });
    await prompt.waitFor();
    await expectAccessible(page, '14-quit-prompt');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await prompt.getByRole('alert').waitFor({ timeout: 30_000 });
    await expectAccessible(page, '15-quit-refused');
    await page.keyboard.press('Escape');
    await prompt.waitFor({ state: 'hidden' });

    await pressOn(page, page.getByRole('button', { name: 'Finish exam…' }));
    await pressOn(page, page.getByRole('button', { name: 'Yes, finish' }));
    expect(await page.getByTestId('announcer').textContent()).toBe('Step 7 of 7: Finish');
    // Storing the session takes a while on a busy machine; the screen says so meanwhile.
    await expectAccessible(page, '16-finishing');
    await page.getByTestId('finish-summary').waitFor({ timeout: 180_000 });
    await expectAccessible(page, '17-finish');

    await app.open('#/health');
    await page.getByRole('heading', { name: /engine/i }).first().waitFor();
    await expectAccessible(page, '18-system-status');
  }, FLOW_TIMEOUT * 3);

  test('the problem screens pass axe: camera refused, and a start gate the policy refuses', async ({ launch }) => {
    const denied = await launch({ capture: 'synthetic', mediaAllowed: false });
    await tabTo(denied.page, denied.page.getByTestId('policy-file'));
    await loadPolicy(denied.page, shortExamPolicy(examSite.origin));
    await pressOn(denied.page, denied.page.getByRole('button', { name: 'Continue' }));
    await pressOn(denied.page, denied.page.getByLabel(/I have read this and agree/), 'Space');
    await pressOn(denied.page, denied.page.getByRole('button', { name: 'Continue' }));
    await denied.page.getByTestId('problem').waitFor({ timeout: 30_000 });
    await denied.page.getByRole('heading', { name: 'Camera access was refused' }).waitFor();
    await expectAccessible(denied.page, '19-camera-refused');
    await denied.close();

    // As if logged in over SSH, with a policy that refuses remote sessions: the check says which and what to do.
    const gated = await launch({ capture: 'synthetic', env: { SSH_CONNECTION: '203.0.113.7 52011 192.0.2.10 22' } });
    await loadPolicy(gated.page, { ...shortExamPolicy(examSite.origin), os: { remoteSession: 'refuse_to_start', virtualMachine: 'allow' } });
    await pressOn(gated.page, gated.page.getByRole('button', { name: 'Continue' }));
    await pressOn(gated.page, gated.page.getByLabel(/I have read this and agree/), 'Space');
    await pressOn(gated.page, gated.page.getByRole('button', { name: 'Continue' }));
    await gated.page.getByTestId('system-checks').waitFor({ timeout: 60_000 });
    expect(await gated.page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    await expectAccessible(gated.page, '20-start-gate-refused');
  }, FLOW_TIMEOUT);
});
