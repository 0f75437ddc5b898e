/**
 * Which shell the end-to-end specs drive, and where Electron's binary is. Plain Node, no Playwright: the
 * runner (run-electron.ts) and the fixtures both ask here, and unit tests check it without a browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ShellKind = 'browser' | 'electron';

/** The environment variable that picks the shell; `npm run test:electron` sets it. */
export const SHELL_VARIABLE = 'VIGIL_E2E_SHELL';

/** The browser shell unless VIGIL_E2E_SHELL says electron; any other value is a mistake worth stopping on. */
export function selectShell(env: NodeJS.ProcessEnv): ShellKind {
  const value = env[SHELL_VARIABLE]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'browser') return 'browser';
  if (value === 'electron') return 'electron';
  throw new Error(`vigil: ${SHELL_VARIABLE}: must be "browser" or "electron" (got "${env[SHELL_VARIABLE]}")`);
}

export type ElectronBinary = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly message: string };

/**
 * Finds the binary the `electron` package would run, the way its index.js does (path.txt names it inside
 * dist/, ELECTRON_OVERRIDE_DIST_PATH replaces dist/), but without its fallback of downloading it: a test run
 * must not reach the network, and here it cannot.
 */
export function findElectronBinary(packageDir: string, env: NodeJS.ProcessEnv): ElectronBinary {
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, relative || 'electron') : relative ? join(packageDir, 'dist', relative) : undefined;
  if (path && existsSync(path)) return { ok: true, path };
  const where = path ?? join(packageDir, 'dist');
  return {
    ok: false,
    message: `vigil: Electron binary is not installed (${where} is missing): run \`node node_modules/electron/install.js\` on a machine with internet access, then \`npm run test:electron\` again`,
  };
}
