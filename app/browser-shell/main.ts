/**
 * `npm run start:browser`: starts the engine as a Node process and the browser shell in front of it, then
 * prints the address. Options: --port N (default 5178; 0 picks a free one), --allow-unsigned (the developer flag:
 * unsigned exam policies open, marked "unsigned exam: for testing only"), VIGIL_HOME for the data folder.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineStartEnv, superviseEngine } from '../engine/rpc/engine-supervisor';
import { forkEngine } from '../engine/rpc/node-process';
import { watchExamSignals } from './exam-signals';
import { startBrowserShell } from './server';

const distDir = dirname(fileURLToPath(import.meta.url));
const portArg = process.argv.indexOf('--port');
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : Number(process.env.VIGIL_PORT ?? 5178);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`vigil: --port: ${process.argv[portArg + 1]} is not a port number\n`);
  process.exit(2);
}

// The engine reads the developer flag from its environment (app/engine/config/open-config.ts).
if (process.argv.includes('--allow-unsigned')) process.env.VIGIL_ALLOW_UNSIGNED = '1';
const log = (line: string) => process.stderr.write(`${line}\n`);
// An engine that stops mid-exam is started again, and the session goes on (engine/rpc/engine-supervisor.ts).
const supervised = superviseEngine((restarted) => forkEngine(join(distDir, 'engine.mjs'), { env: engineStartEnv(process.env, restarted) }), { log });
const signals = watchExamSignals(supervised, log);
const engine = signals.engine;

try {
  const shell = await startBrowserShell({ rendererDir: join(distDir, 'renderer'), bridgeFile: join(distDir, 'browser-bridge.js'), engine, port, log: (l) => process.stderr.write(`${l}\n`) });
  // The launch address carries this launch's secret: only whoever started the shell reads it.
  process.stdout.write(`Vigil browser shell: ${shell.launchUrl}\n`);
  const stop = () => {
    void signals.stop();
    supervised.close();
    void shell.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`vigil: browser shell: cannot listen on 127.0.0.1:${port} (${(error as Error).message})\n`);
  supervised.close();
  process.exit(1);
}
