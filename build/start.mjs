// `npm start`: builds, then launches Electron where its binary exists (Electron fetches it on first use);
// where it cannot, says why in one line and starts the browser shell instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'build/bundle.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

function electronBinary() {
  if (process.env.VIGIL_SHELL === 'browser') return { reason: 'VIGIL_SHELL=browser' };
  try {
    return findElectronBinary(dirname(createRequire(import.meta.url).resolve('electron/package.json')));
  } catch {
    return { reason: 'the electron package is not installed (npm ci)' };
  }
}

const electron = electronBinary();
const child = electron.path
  ? spawn(electron.path, [root, ...process.argv.slice(2)], { stdio: 'inherit' })
  : (process.stderr.write(`vigil: Electron is not available here (${electron.reason}); starting the browser shell instead\n`),
    spawn(process.execPath, [join(root, 'dist/browser-shell.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' }));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
