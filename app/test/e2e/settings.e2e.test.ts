/** Invigilator settings: behind a password, validated by the engine's policy schema, saved, opened by link. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { projectRoot, snap, test } from './fixtures';

describe('invigilator settings', () => {
  test('edit a policy behind the password, see the schema refuse bad values, save it, and open it by link', async ({ app }) => {
    const { page } = app;
    await app.open('#/settings');
    await snap(page, 'settings-01-locked');
    await page.getByLabel('Invigilator password').fill('short');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('The password must be at least 8 characters.').waitFor();
    // The app never sets the first password (a local program posing as it could claim the computer): unset, it
    // says who sets it; the administrator's command sets it.
    await page.getByLabel('Invigilator password').fill('invigilate-2026');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText(/No invigilator password is set on this computer yet/).waitFor();
    const passwordFile = join(app.home, 'password.txt');
    writeFileSync(passwordFile, 'invigilate-2026\n');
    expect(app.node([join(projectRoot, 'app/cli/vigil.mjs'), 'invigilator', 'password', '--from-file', passwordFile])).toMatch(/^invigilator password set/);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('policy-name').waitFor();

    const fps = page.locator('input[data-path="processingFps"]');
    await fps.fill('90');
    const problem = page.getByTestId('settings-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/processingFps.*30/);
    expect(await fps.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
    await snap(page, 'settings-02-invalid');
    await fps.fill('6');
    await page.locator('textarea[data-path="allowedOrigins"]').fill('not a web address');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/allowedOrigins\.0/);
    await page.locator('textarea[data-path="allowedOrigins"]').fill('https://exam.example.org/');
    await problem.waitFor({ state: 'detached' });

    await page.getByTestId('policy-name').fill('maths-101');
    await page.getByLabel(/New quit password/).fill('let-me-out-please');
    await page.getByRole('button', { name: 'Save policy' }).click();
    const saved = page.getByTestId('settings-saved');
    await saved.waitFor();
    await snap(page, 'settings-03-saved');
    const file = join(app.home, 'policies', 'maths-101.json');
    expect(await saved.textContent()).toBe(`Saved to ${file}`);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { processingFps: number; allowedOrigins: string[]; quitPasswordHash: string };
    expect(stored).toMatchObject({ processingFps: 6, allowedOrigins: ['https://exam.example.org/'] });
    expect(stored.quitPasswordHash).toMatch(/^scrypt\$/);
    expect(readFileSync(file, 'utf8')).not.toContain('let-me-out-please');

    // Opened again for editing, the saved policy's values come back; a start page off the allowed sites is refused.
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByLabel('Invigilator password').fill('invigilate-2026');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('policy-name').fill('maths-101');
    await page.getByRole('button', { name: 'Open saved policy' }).click();
    await page.getByTestId('settings-opened').waitFor();
    expect(await fps.inputValue()).toBe('6');
    expect(await page.locator('textarea[data-path="allowedOrigins"]').inputValue()).toBe('https://exam.example.org/');
    await page.locator('input[data-path="examUrl"]').fill('https://elsewhere.example.com/start');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/examUrl.*allowedOrigins/);
    await page.locator('input[data-path="examUrl"]').fill('https://exam.example.org/maths/start');
    await problem.waitFor({ state: 'detached' });
    await snap(page, 'settings-04-opened');

    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByLabel('Invigilator password').fill('not-the-password');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('That password is not right.').waitFor();

    // A vigil://exam?policy=maths-101 link opens the page with this parameter.
    await app.open('?policy=maths-101');
    const loaded = page.getByTestId('policy-loaded');
    await loaded.waitFor();
    expect(await loaded.textContent()).toMatch(/maths-101 is ready: camera analysed 6 times a second; 1 exam site/);
  });
});
