import { describe, expect } from 'vitest';
import { snap, test } from './fixtures';
import { loadPolicy } from './steps';

describe('opening an exam, end to end', () => {
  test('offers the practice exam on the first screen and marks it as practice on every screen', async ({ app: { page } }) => {
    await page.getByTestId('practice-exam').click();
    await page.getByTestId('policy-loaded').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('exam-banner').textContent()).toBe('Practice exam: nothing is sent to an institution.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Before you start: what Vigil records' }).waitFor();
    expect(await page.getByTestId('exam-banner').isVisible()).toBe(true);
    await snap(page, 'exam-config-practice');
  });

  test('banners an unsigned policy opened with the developer flag as "for testing only"', async ({ app: { page } }) => {
    // The specs' shells run with --allow-unsigned (launch.ts); without it the engine refuses (open-exam.test.ts).
    await loadPolicy(page, { processingFps: 6 });
    await page.getByTestId('policy-loaded').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('exam-banner').textContent()).toBe('unsigned exam: for testing only');
  });
});
