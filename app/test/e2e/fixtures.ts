/**
 * Fixtures for end-to-end specs: the real browser shell with a real engine process, and Debian's headless
 * Chromium driven by playwright-core. Every spec gets a fresh data folder and a screenshot of its last screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { test as base } from 'vitest';

export const projectRoot = join(import.meta.dirname, '..', '..', '..');
export const outputDir = join(projectRoot, 'test-output', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RunningShell {
  readonly url: string;
  readonly home: string;
  readonly process: ChildProcess;
}

/** Starts `dist/browser-shell.mjs` on a free port with its own VIGIL_HOME; stops it after the spec. */
async function startShell(): Promise<RunningShell> {
  const entry = join(projectRoot, 'dist', 'browser-shell.mjs');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` before the end-to-end specs`);
  const home = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const child = spawn(process.execPath, [entry, '--port', '0'], { env: { ...process.env, VIGIL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser shell did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /Vigil browser shell: (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`browser shell exited with code ${code}: ${stderr}`)));
  });
  return { url, home, process: child };
}

/** Headless Debian Chromium; `extraArgs` add flags such as the fake capture devices (media.ts). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The network here is closed: without these Chromium's background connections fail noisily.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** Saves the current screen as test-output/e2e/<name>.png. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}

export interface E2EFixtures {
  /** The browser shell serving the built renderer, backed by a forked engine process. */
  shell: RunningShell;
  /** Headless Debian Chromium; a missing binary fails the spec with the command that installs it. */
  browser: Browser;
  /** A page in a fresh context; its final screen is saved to test-output/e2e/<spec>.png. */
  page: Page;
}

export { startShell };

export const test = base.extend<E2EFixtures>({
  // Vitest reads a fixture's dependencies from this destructuring pattern, so an empty one means "none".
  // eslint-disable-next-line no-empty-pattern
  shell: async ({}, use) => {
    const shell = await startShell();
    await use(shell);
    shell.process.kill('SIGTERM');
  },
  // eslint-disable-next-line no-empty-pattern
  browser: async ({}, use) => {
    const browser = await launchChromium();
    await use(browser);
    await browser.close();
  },
  page: async ({ browser, task }, use) => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const page = await context.newPage();
    await use(page);
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, `${task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`), fullPage: true });
    await context.close();
  },
});
