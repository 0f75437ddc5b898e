/**
 * `vigil-server` as a real process for the console's specs: its bin, a fresh VIGIL_SERVER_HOME, port 0, and
 * DATABASE_URL when the spec runs on PostgreSQL. (app/engine/sync/testing has the client's own copy: the client
 * may not import the server, nor the server the client's test helpers.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'vigil-server.mjs');

export function vigilServerCommand(env: NodeJS.ProcessEnv, args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  if (run.status !== 0) throw new Error(`vigil-server ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

export interface ServerProcess {
  readonly url: string;
  stop(): Promise<void>;
}

export function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, [bin, 'start', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`vigil-server did not start in 90 s: ${out}`))), 90_000);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil-server exited with ${code}: ${out}`));
    });
  });
}
