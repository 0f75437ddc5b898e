/**
 * One `launchApp()` that gives a spec the Vigil window as a Playwright Page, either from headless Debian
 * Chromium on the browser shell (the default) or from Playwright's Electron launcher on the built Electron app
 * (`VIGIL_E2E_SHELL=electron`, `npm run test:electron`). Specs do not know which: they open routes, read the
 * page, and run Node scripts through the app's runtime. Every launch gets a fresh data folder. No vitest here,
 * so the shell selection can be checked from a plain Node process (shells.test.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// playwright-core is loaded when a launch needs it: the `vigil` command imports this module (bench live), and
// loading playwright added about 80 MB to every vigil command's memory, which `vigil bench vision` counts.
import type { Browser, ElectronApplication, Page } from 'playwright-core';
import { findElectronBinary, selectShell, type ShellKind } from './shells';

export const projectRoot = join(import.meta.dirname, '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The Electron app's own origin (app/shell/protocol.ts; not imported, since that module loads electron). */
const ELECTRON_APP_ORIGIN = 'vigil-app://app/';

/** The shell this run drives: VIGIL_E2E_SHELL, browser by default. */
export const shellKind: ShellKind = selectShell(process.env);

export interface LaunchOptions {
  /**
   * What getUserMedia gets: files for the fake camera and microphone (media.ts), Chromium's synthetic fake
   * devices, or (by default) nothing set up.
   */
  readonly capture?: { readonly video: string; readonly audio: string } | 'synthetic';
  /** Whether the page may use camera and microphone; false refuses them as a candidate or the OS would. */
  readonly mediaAllowed?: boolean;
  /** An existing data folder (a second launch after a crash); a fresh one by default. */
  readonly home?: string;
  /** Extra environment for the app and its engine (e.g. SSH_CONNECTION, as an SSH login would set it, or VIGIL_WALL_CLOCK_OFFSET_FILE). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The app's folder (package.json, dist/, resources/trust.json): an institution's build of Vigil
   * (institution-app.ts); this checkout by default. Browser shell only.
   */
  readonly appRoot?: string;
}

export interface RunningApp {
  readonly shell: ShellKind;
  /** The app's data folder (VIGIL_HOME): its database, saved policies, evidence. */
  readonly home: string;
  /** Where the renderer is served from, ending in `/`. */
  readonly origin: string;
  /** The Vigil window, already showing the app's start screen. */
  readonly page: Page;
  /** The browser shell's own process id (null in Electron): a spec may kill the whole app as a crash would. */
  readonly shellPid: number | null;
  /** Opens a route of the renderer: '' (the exam flow), '#/health', '#/settings', '?policy=<name>'. */
  open(route?: string): Promise<void>;
  /**
   * Runs Node with `args` in the project folder, with this app's VIGIL_HOME, on the runtime the engine's native
   * modules are built for (Node for the browser shell, Electron as Node for Electron); returns its stdout.
   */
  node(args: readonly string[]): string;
  close(): Promise<void>;
}

/** Chromium switches; Electron takes the same ones on its command line. */
function captureSwitches(capture: LaunchOptions['capture']): string[] {
  if (capture === undefined) return [];
  if (capture === 'synthetic') return ['--use-fake-device-for-media-stream'];
  return ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${capture.video}`, `--use-file-for-fake-audio-capture=${capture.audio}`];
}

/** Launches Vigil in the shell this run drives (see shellKind). */
export function launchApp(options: LaunchOptions = {}): Promise<RunningApp> {
  return shellKind === 'electron' ? launchElectron(options) : launchBrowserShell(options);
}

async function launchBrowserShell(options: LaunchOptions): Promise<RunningApp> {
  const shell = await startShell(options);
  const allowed = options.mediaAllowed ?? true;
  let browser: Browser | undefined;
  try {
    // Chromium's fake UI answers the permission prompt with yes; without it headless Chromium says no.
    browser = await launchChromium([...captureSwitches(options.capture), ...(allowed && options.capture ? ['--use-fake-ui-for-media-stream'] : [])]);
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, permissions: allowed ? ['camera', 'microphone'] : [] });
    // Opened by script, as a kiosk launcher opens it, so that the app's own window.close() (quitting) closes it:
    // Chromium ignores window.close() in a tab the user opened.
    const launcher = await context.newPage();
    const [page] = await Promise.all([context.waitForEvent('page'), launcher.evaluate((url) => void window.open(url, '_blank'), shell.launchUrl)]);
    await page.waitForLoadState('domcontentloaded');
    const opened = browser;
    return {
      shell: 'browser',
      home: shell.home,
      origin: shell.url,
      page,
      shellPid: shell.process.pid ?? null,
      open: async (route = '') => void (await page.goto(`${shell.url}${route}`)),
      node: (args) => runNode(process.execPath, args, { VIGIL_HOME: shell.home }),
      async close() {
        await opened.close();
        shell.process.kill('SIGTERM');
      },
    };
  } catch (error) {
    await browser?.close();
    shell.process.kill('SIGTERM');
    throw error;
  }
}

async function launchElectron(options: LaunchOptions): Promise<RunningApp> {
  const binary = findElectronBinary(join(projectRoot, 'node_modules', 'electron'), process.env);
  if (!binary.ok) throw new Error(binary.message);
  const appRoot = options.appRoot ?? projectRoot;
  const main = join(appRoot, 'dist', 'main.mjs');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` before the end-to-end specs`);
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const env = { ...stringEnv(process.env), ...options.env, VIGIL_HOME: home };
  // Chromium will not start as root with its sandbox (a container); the page's own sandbox is unaffected.
  const root = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const { _electron } = await import('playwright-core');
  const app: ElectronApplication = await _electron.launch({ executablePath: binary.path, args: [...root, '--disable-gpu', ...captureSwitches(options.capture), appRoot, '--allow-unsigned'], env, cwd: projectRoot });
  let closed = false;
  app.on('close', () => (closed = true));
  try {
    const page = await app.firstWindow();
    // The app grants media to its own origin (app/shell/security.ts); a refusal is what the OS or a policy
    // tool would answer, so the main process is told to answer no to every request.
    if (options.mediaAllowed === false) {
      await app.evaluate(({ session }) => {
        session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
        session.defaultSession.setPermissionCheckHandler(() => false);
      });
    }
    await page.waitForLoadState('domcontentloaded');
    return {
      shell: 'electron',
      home,
      origin: ELECTRON_APP_ORIGIN,
      page,
      shellPid: null,
      open: async (route = '') => void (await page.goto(`${ELECTRON_APP_ORIGIN}${route}`)),
      // Electron's binary runs as plain Node with ELECTRON_RUN_AS_NODE, with the ABI the engine's modules need.
      node: (args) => runNode(binary.path, args, { VIGIL_HOME: home, ELECTRON_RUN_AS_NODE: '1' }),
      async close() {
        if (!closed) await app.close();
      },
    };
  } catch (error) {
    if (!closed) await app.close();
    throw error;
  }
}

function runNode(runtime: string, args: readonly string[], env: Record<string, string>): string {
  return execFileSync(runtime, args, { cwd: projectRoot, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface RunningShell {
  /** The app's origin, ending in `/`. */
  readonly url: string;
  /** The address with this launch's secret, which only the launcher gets (app/browser-shell/server.ts). */
  readonly launchUrl: string;
  readonly home: string;
  readonly process: ChildProcess;
}

/** Starts `dist/browser-shell.mjs` on a free port with its own VIGIL_HOME (or the one given) and `options.env` added. */
export async function startShell(options: LaunchOptions = {}): Promise<RunningShell> {
  const entry = join(options.appRoot ?? projectRoot, 'dist', 'browser-shell.mjs');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` before the end-to-end specs`);
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  // --allow-unsigned: the specs open plain JSON policies (signed configs: app/engine/config/*.test.ts).
  const child = spawn(process.execPath, [entry, '--port', '0', '--allow-unsigned'], { env: { ...process.env, ...options.env, VIGIL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const launchUrl = await new Promise<string>((resolve, reject) => {
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
  return { url: `${new URL(launchUrl).origin}/`, launchUrl, home, process: child };
}

/** Headless Debian Chromium; `extraArgs` add flags such as the fake capture devices. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The network here is closed: without these Chromium's background connections fail noisily.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

