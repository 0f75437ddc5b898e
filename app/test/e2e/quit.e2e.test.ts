/**
 * Leaving during the exam with the invigilator's quit password, by keyboard alone: a wrong password is refused
 * and the exam goes on; the right one stores the session (the attempts in its report) and closes Vigil.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { hashPassword } from '../../engine/live/password';
import { projectRoot, snap, test, type RunningApp } from './fixtures';
import { attentiveFaceVideo, speechThenSilenceWav } from './media';
import { FLOW_TIMEOUT, NO_LIVENESS, shortExamPolicy, startExamSite, throughSystemCheck, throughVoice, type StoredReport } from './steps';
import { join } from 'node:path';

let examSite: Awaited<ReturnType<typeof startExamSite>>;
beforeAll(async () => (examSite = await startExamSite()));
afterAll(() => examSite.close());

/** The only report in the app's fresh data folder. */
function onlyStoredReport(app: RunningApp): StoredReport {
  const vigil = (...args: string[]) => app.node([join(projectRoot, 'app/cli/vigil.mjs'), 'reports', ...args]);
  const rows = JSON.parse(vigil('list', '--json')) as { id: number }[];
  expect(rows).toHaveLength(1);
  return JSON.parse(vigil('show', String(rows[0]!.id))) as StoredReport;
}

describe('quitting the exam with the quit password', () => {
  test('a wrong quit password is refused and the exam goes on; the right one stores the session and closes Vigil', async ({ launch }) => {
    const app = await launch({ capture: { video: attentiveFaceVideo(), audio: speechThenSilenceWav() } });
    const { page } = app;
    const policy = { ...shortExamPolicy(examSite.origin), detectors: { ...NO_LIVENESS, identity: false }, quitPasswordHash: await hashPassword('invigilator-lets-you-go') };
    await throughSystemCheck(page, 'quit', policy);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await throughVoice(page);
    await page.getByTestId('calibration-verdict').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Start the exam' }).click();
    await page.frameLocator('[data-testid="exam-frame"]').getByRole('heading', { name: 'Question 1' }).waitFor({ timeout: 30_000 });

    // Keyboard only: the button opens a labelled dialog with the focus in the password field; Escape closes it.
    const quitButton = page.getByRole('button', { name: 'Quit exam…' });
    await quitButton.focus();
    await page.keyboard.press('Enter');
    const prompt = page.getByRole('dialog', { name: 'Quit the exam' });
    await prompt.waitFor();
    const password = prompt.getByLabel("Invigilator's quit password");
    expect(await password.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await prompt.waitFor({ state: 'hidden' });
    expect(await quitButton.evaluate((el) => el === document.activeElement)).toBe(true);

    await page.keyboard.press('Enter');
    await prompt.waitFor();
    await page.keyboard.type('let me out');
    await page.keyboard.press('Enter');
    const refused = prompt.getByRole('alert');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toBe('That quit password is not right. The exam goes on. A wrong password has been typed once; each attempt is recorded in the exam report.');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.inputValue()).toBe('');
    await snap(page, 'quit-04-wrong-password');
    // The exam is still running behind the prompt, the engine answering.
    expect(await page.getByTestId('status-light').getAttribute('data-tone')).not.toBe('fail');

    const closed = page.waitForEvent('close', { timeout: 90_000 });
    await password.fill('invigilator-lets-you-go');
    await page.keyboard.press('Enter');
    await closed;

    const report = onlyStoredReport(app);
    expect(report.notes).toContain("Quit: the exam was ended early with the invigilator's quit password (after 1 wrong quit password).");
    // The whole session up to the quit, handed in: the frames the camera sent are counted in the stored report.
    expect(report.notes.find((n) => n.startsWith('Live session: '))).toMatch(/^Live session: [1-9]\d* camera frames received/);
  }, FLOW_TIMEOUT);
});
