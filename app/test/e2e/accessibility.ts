/**
 * Accessibility checks for the candidate app's screens: axe (`@axe-core/playwright`) with no serious or critical
 * violation, a screenshot of each screen checked, and keyboard helpers that move as a keyboard user does (Tab until
 * the control has the focus, then Enter or Space), so a spec walking the flow with them shows it needs no mouse.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { snap } from './fixtures';

/** Runs axe on the page as it is now and saves it as test-output/e2e/a11y-<name>.png; fails on a serious or critical finding. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await snap(page, `a11y-${name}`);
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Presses Tab (at most 60 times) until `target` has the focus; fails if it never does. */
export async function tabTo(page: Page, target: Locator): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

/** Tabs to `target` and presses `key` on it (Enter for buttons and links, Space for checkboxes). */
export async function pressOn(page: Page, target: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press(key);
}

/** The ARIA live regions of the page and whether each is polite: what a screen reader announces without focus. */
export async function liveRegions(page: Page): Promise<{ text: string; live: string }[]> {
  return page.locator('[aria-live], [role="status"], [role="alert"]').evaluateAll((els) =>
    els.map((el) => ({ text: (el.textContent ?? '').trim().slice(0, 80), live: el.getAttribute('aria-live') ?? (el.getAttribute('role') === 'alert' ? 'assertive' : 'polite') })),
  );
}
