/**
 * `npm run test:electron`: the end-to-end specs again, with Playwright's Electron launcher on the built app.
 * Without Electron's binary it says so in one line and fails: a run that tested nothing must not look green.
 * On Linux without a display, Electron (which has no headless mode) runs under xvfb-run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findElectronBinary, SHELL_VARIABLE } from './shells';

const root = join(import.meta.dirname, '..', '..', '..');

const binary = findElectronBinary(join(root, 'node_modules', 'electron'), process.env);
if (!binary.ok) {
  process.stderr.write(`${binary.message}\n`);
  process.exit(1);
}

const built = spawnSync(process.execPath, [join(root, 'build', 'bundle.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const vitest = [process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'app/test/e2e', '--no-file-parallelism', ...process.argv.slice(2)];
const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const [command, ...args] = needsDisplay ? ['xvfb-run', '-a', ...vitest] : vitest;
const run = spawnSync(command!, args, { cwd: root, stdio: 'inherit', env: { ...process.env, [SHELL_VARIABLE]: 'electron' } });
if (run.error) process.stderr.write(`vigil: ${command}: ${run.error.message}\n`);
process.exit(run.status ?? 1);
