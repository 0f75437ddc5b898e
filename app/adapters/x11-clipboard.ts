/**
 * ClipboardPort on X11 through xclip (Debian: xclip), for Linux hosts without Electron's clipboard — the
 * browser shell, the CLI and the tests under Xvfb. Clearing takes ownership of the selection (CLIPBOARD, or
 * PRIMARY) with empty content; xclip serves it in the background until another client copies something.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClipboardContent, ClipboardPort } from '../engine/signals/clipboard';

const run = promisify(execFile);

async function xclip(selection: 'clipboard' | 'primary', args: readonly string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    const { stdout } = await run('xclip', ['-selection', selection, ...args], { env, timeout: 5000, maxBuffer: 8 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error('xclip is not installed: apt-get install xclip');
    return null; // no owner, or the owner offers no such target: an empty clipboard
  }
}

/** `selection` 'primary' watches the middle-click selection (what was last selected anywhere) instead. */
export function createX11Clipboard(env: NodeJS.ProcessEnv = process.env, selection: 'clipboard' | 'primary' = 'clipboard'): ClipboardPort {
  return {
    name: 'xclip',
    selection,
    async read(): Promise<ClipboardContent> {
      const targets = await xclip(selection, ['-o', '-t', 'TARGETS'], env);
      const formats = (targets ?? '').split('\n').map((t) => t.trim()).filter((t) => t && !['TARGETS', 'TIMESTAMP', 'MULTIPLE', 'SAVE_TARGETS'].includes(t));
      const text = formats.some((f) => /UTF8_STRING|STRING|text\//.test(f)) ? ((await xclip(selection, ['-o'], env)) ?? '') : '';
      return { formats, text };
    },
    async clear() {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('xclip', ['-selection', selection, '-i'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
        child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error('xclip is not installed: apt-get install xclip') : error));
        // xclip forks a server and its foreground process exits once it owns the selection.
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`xclip exited with ${code} clearing the clipboard`))));
        child.stdin.end('');
      });
    },
  };
}
