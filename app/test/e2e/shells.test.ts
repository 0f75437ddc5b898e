import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, selectShell } from './shells';

const root = join(import.meta.dirname, '..', '..', '..');

/** An `electron` package folder as npm leaves it: path.txt names the binary, dist/ holds it once downloaded. */
function electronPackage(options: { pathTxt?: string; binary?: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-electron-pkg-'));
  if (options.pathTxt !== undefined) writeFileSync(join(dir, 'path.txt'), options.pathTxt);
  if (options.binary) {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', options.pathTxt || 'electron'), '#!/bin/sh\n');
    chmodSync(join(dir, 'dist', options.pathTxt || 'electron'), 0o755);
  }
  return dir;
}

describe('which shell the end-to-end specs drive', () => {
  it('is the browser shell unless VIGIL_E2E_SHELL asks for electron', () => {
    expect(selectShell({})).toBe('browser');
    expect(selectShell({ VIGIL_E2E_SHELL: '' })).toBe('browser');
    expect(selectShell({ VIGIL_E2E_SHELL: 'browser' })).toBe('browser');
    expect(selectShell({ VIGIL_E2E_SHELL: 'electron' })).toBe('electron');
    expect(selectShell({ VIGIL_E2E_SHELL: ' Electron ' })).toBe('electron');
  });

  it('refuses any other value, naming the variable and what it accepts', () => {
    expect(() => selectShell({ VIGIL_E2E_SHELL: 'firefox' })).toThrow('vigil: VIGIL_E2E_SHELL: must be "browser" or "electron" (got "firefox")');
  });
});

describe("finding Electron's binary without downloading it", () => {
  it('finds the binary path.txt names inside dist/', () => {
    const dir = electronPackage({ pathTxt: 'electron', binary: true });
    expect(findElectronBinary(dir, {})).toEqual({ ok: true, path: join(dir, 'dist', 'electron') });
  });

  it('says in one line that the binary is not installed, and how to install it, when dist/ was never downloaded', () => {
    const dir = electronPackage({});
    const found = findElectronBinary(dir, {});
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.message).toBe(
      `vigil: Electron binary is not installed (${join(dir, 'dist')} is missing): run \`node node_modules/electron/install.js\` on a machine with internet access, then \`npm run test:electron\` again`,
    );
    expect(found.message).not.toContain('\n');
  });

  it('names the missing file when path.txt points at a binary that is gone', () => {
    const found = findElectronBinary(electronPackage({ pathTxt: 'electron' }), {});
    expect(found).toMatchObject({ ok: false, message: expect.stringMatching(/dist\/electron is missing/) });
  });

  it('follows ELECTRON_OVERRIDE_DIST_PATH as the electron package does', () => {
    const dir = electronPackage({ pathTxt: 'electron' });
    const elsewhere = electronPackage({ pathTxt: 'electron', binary: true });
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: join(elsewhere, 'dist') })).toEqual({ ok: true, path: join(elsewhere, 'dist', 'electron') });
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'nowhere') }).ok).toBe(false);
  });
});

describe('npm run test:electron without the binary', () => {
  it('prints one line saying the binary is not installed and how to get it, and exits non-zero without running a spec', () => {
    // An empty override folder stands for a machine where the binary was never downloaded, wherever this runs.
    const empty = mkdtempSync(join(tmpdir(), 'vigil-no-electron-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'app/test/e2e/run-electron.ts')], { cwd: root, env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `vigil: Electron binary is not installed (${join(empty, 'electron')} is missing): run \`node node_modules/electron/install.js\` on a machine with internet access, then \`npm run test:electron\` again`,
    ]);
  });
});

describe('launchApp in the shell VIGIL_E2E_SHELL picks', () => {
  /** launch.ts in a fresh Node process (the shell is chosen when it loads): what launchApp() throws, or "launched". */
  function launchIn(env: NodeJS.ProcessEnv): { status: number | null; out: string; err: string } {
    const script = `const { launchApp, shellKind } = await import(${JSON.stringify(join(root, 'app/test/e2e/launch.ts'))});
      console.log(shellKind);
      try { const app = await launchApp(); await app.close(); console.log('launched'); } catch (error) { console.log(error.message); }`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
    return { status: run.status, out: run.stdout.trim(), err: run.stderr };
  }

  it('goes to Electron for electron, and without its binary refuses with the one-line message instead of using Chromium', () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-no-electron-'));
    const run = launchIn({ VIGIL_E2E_SHELL: 'electron', ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(run.out.split('\n')).toEqual(['electron', `vigil: Electron binary is not installed (${join(empty, 'electron')} is missing): run \`node node_modules/electron/install.js\` on a machine with internet access, then \`npm run test:electron\` again`]);
  });

  it('stops before launching anything when VIGIL_E2E_SHELL names no shell', () => {
    const run = launchIn({ VIGIL_E2E_SHELL: 'safari' });
    expect(run.status).not.toBe(0);
    expect(run.out).toBe('');
    expect(run.err).toContain('vigil: VIGIL_E2E_SHELL: must be "browser" or "electron" (got "safari")');
  });
});
