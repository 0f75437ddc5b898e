// The Electron binary for `npm start`: the electron package's, fetched by its own installer on first use. Where it
// cannot be fetched, the reason in one line: the installer's stack trace is kept out of the terminal.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `{ path }` of the binary in the electron package folder `dir`, or `{ reason }` in one line. */
export function findElectronBinary(dir) {
  const installed = () => {
    const pathFile = join(dir, 'path.txt');
    const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined;
    return binary && existsSync(binary) ? binary : undefined;
  };
  if (installed()) return { path: installed() };
  // The electron package's own installer, with its output kept: on failure it prints a stack trace.
  const fetched = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  if (installed()) return { path: installed() };
  const output = `${fetched.stderr ?? ''}\n${fetched.stdout ?? ''}`.split('\n').map((l) => l.trim());
  const cause = output.find((l) => /^\w*Error\b|failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(l)) ?? (fetched.error ? fetched.error.message : `its installer exited with ${fetched.status}`);
  return { reason: `its binary could not be downloaded: ${cause}` };
}

