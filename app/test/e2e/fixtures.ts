/**
 * Fixtures for end-to-end specs: `launch` (launchApp in launch.ts, in the shell this run drives) and `app`;
 * everything launched is closed after the spec, and its last screen saved first.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { test as base } from 'vitest';
import { launchApp, projectRoot, type LaunchOptions, type RunningApp } from './launch';

export { projectRoot, shellKind, type LaunchOptions, type RunningApp } from './launch';
export const outputDir = join(projectRoot, 'test-output', 'e2e');

/** Saves the current screen as test-output/e2e/<name>.png. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}

export interface E2EFixtures {
  /** Launches Vigil (launchApp); everything launched is closed after the spec, its last screen saved first. */
  launch: (options?: LaunchOptions) => Promise<RunningApp>;
  /** Vigil launched with default options. */
  app: RunningApp;
}

export const test = base.extend<E2EFixtures>({
  launch: async ({ task }, use) => {
    const launched: RunningApp[] = [];
    await use(async (options) => {
      const app = await launchApp(options);
      launched.push(app);
      return app;
    });
    const last = launched.at(-1);
    if (last && !last.page.isClosed()) await snap(last.page, task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()).catch(() => undefined);
    for (const app of launched) await app.close();
  },
  app: async ({ launch }, use) => {
    await use(await launch());
  },
});
