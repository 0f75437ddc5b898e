/**
 * The reference server as a real process for client specs: `vigil-server` started like an institution would
 * (its bin, a data folder, a port), so a spec can SIGKILL it and start it again. The client never imports the server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../paths';

export const serverBin = () => join(projectRoot(), 'server', 'bin', 'vigil-server.mjs');

export function vigilServer(home: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [serverBin(), ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_SERVER_HOME: home, ...env }, timeout: 120_000 });
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `args`: more `start` options, e.g. `--tls-cert c.pem --tls-key k.pem`. */
export function startServerProcess(home: string, port: number, env: NodeJS.ProcessEnv = {}, args: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [serverBin(), 'start', '--port', String(port), ...args], { env: { ...process.env, VIGIL_SERVER_HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill('SIGKILL');
      reject(new Error(`vigil-server did not start in 90 s: ${out}`));
    }, 90_000);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (https?:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, kill });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil-server exited with ${code}: ${out}`));
    });
  });
}
