/**
 * Test fixtures for OS-level tests: a private Xvfb server and the X tools that drive it. A missing tool is
 * a failure that names the Debian package to install (`.ci/run` installs them), never a skipped test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

const PACKAGE_OF: Record<string, string> = { Xvfb: 'xvfb', xdotool: 'xdotool', xrandr: 'x11-xserver-utils', xev: 'x11-utils', xkbcomp: 'x11-xkb-utils', setxkbmap: 'x11-xkb-utils', pactl: 'pulseaudio-utils', paplay: 'pulseaudio-utils' };

/** Throws, naming the package, when `tool` is not on PATH. */
export function requireTool(tool: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is not installed: apt-get install ${PACKAGE_OF[tool] ?? tool} (listed in .ci/run)`);
  }
}

export interface XServer {
  /** ":N" */
  readonly display: string;
  /** process.env with DISPLAY pointing at this server, for children. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * Starts Xvfb on a free display number. Not Xvfb's own pick (-displayfd alone): servers starting at the same
 * moment in parallel test files race for the lowest number, and the loser can unlink the winner's socket.
 * A random number from a wide range, retried when taken, avoids that; -displayfd still says when it is ready.
 */
export async function startXvfb(options: { width?: number; height?: number } = {}): Promise<XServer> {
  requireTool('Xvfb');
  let lastError = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const number = 200 + Math.floor(Math.random() * 20_000);
    if (existsSync(`/tmp/.X${number}-lock`) || existsSync(`/tmp/.X11-unix/X${number}`)) continue;
    try {
      return await startOn(number, options);
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  throw new Error(`Xvfb did not start: ${lastError}`);
}

async function startOn(number: number, options: { width?: number; height?: number }): Promise<XServer> {
  const geometry = `${options.width ?? 1024}x${options.height ?? 768}x24`;
  // -noreset: by default the server resets when its last client leaves, and a client connecting during that reset
  // (a probe that closes, then the real connection) is refused.
  const child: ChildProcess = spawn('Xvfb', [`:${number}`, '-displayfd', '3', '-noreset', '-screen', '0', geometry, '-nolisten', 'tcp', '+extension', 'RANDR'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const fd3 = child.stdio[3] as NodeJS.ReadableStream;
  await new Promise<string>((resolve, reject) => {
    let out = '';
    fd3.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`Xvfb :${number} exited (${code}) before it was ready: ${stderr.trim().split('\n').pop() ?? ''}`)));
    child.once('error', reject);
  });
  const display = `:${number}`;
  return {
    display,
    env: { ...process.env, DISPLAY: display },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs xdotool against `server` (e.g. ['key', 'ctrl+c']). */
export function xdotool(server: XServer, args: readonly string[]): void {
  requireTool('xdotool');
  execFileSync('xdotool', [...args], { env: server.env, stdio: ['ignore', 'ignore', 'pipe'] });
}
