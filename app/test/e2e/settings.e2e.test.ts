/**
 * The exam's settings in the candidate app are read-only: invigilators configure exams in the console. The
 * screen shows the open exam's policy with nothing to edit, and the page itself (as a candidate with the
 * developer tools open would) asking the engine to save or unlock anything is refused, the saved exam unchanged.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { snap, test } from './fixtures';

describe('exam settings in the candidate app', () => {
  test('show the open exam policy read-only, and the page cannot change it', async ({ app }) => {
    const { page } = app;
    const saved = join(app.home, 'policies', 'maths-101.json');
    mkdirSync(join(app.home, 'policies'), { recursive: true });
    writeFileSync(saved, JSON.stringify({ processingFps: 6, allowedOrigins: ['https://exam.example.org/'] }));
    // A vigil://exam/maths-101 link opens the page with this parameter.
    await app.open('?policy=maths-101');
    await page.getByTestId('policy-loaded').waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Exam settings' }).click();
    await page.getByTestId('settings-read-only').waitFor();
    expect(await page.locator('[data-path="processingFps"]').textContent()).toBe('6');
    expect(await page.locator('[data-path="allowedOrigins"]').textContent()).toBe('https://exam.example.org/');
    expect(await page.locator('[data-path="hasQuitPassword"]').textContent()).toBe('none');
    expect(await page.locator('[data-path="liveView"]').textContent()).toBe('status only');
    expect(await page.locator('main input, main textarea, main select, main button').count()).toBe(0);
    await snap(page, 'settings-read-only');

    // Attacks from the page: the channels the old editor used, and a made-up one.
    const answers = await page.evaluate(async () => {
      const vigil = (window as unknown as { vigil: { invoke(channel: string, payload: unknown): Promise<unknown> } }).vigil;
      const tries: [string, unknown][] = [
        ['policy.save', { name: 'maths-101', policy: { processingFps: 1 }, invigilatorPassword: 'guessed-2026' }],
        ['invigilator.unlock', { password: 'guessed-2026' }],
        ['policy.write', { name: 'maths-101', text: '{}' }],
      ];
      return Promise.all(tries.map(([channel, payload]) => vigil.invoke(channel, payload).then(() => `${channel}: accepted`, (error: Error) => `${channel}: ${error.message}`)));
    });
    expect(answers).toEqual(['policy.save: unknown_channel: unknown channel "policy.save"', 'invigilator.unlock: unknown_channel: unknown channel "invigilator.unlock"', 'policy.write: unknown_channel: unknown channel "policy.write"']);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual({ processingFps: 6, allowedOrigins: ['https://exam.example.org/'] });
  });
});
