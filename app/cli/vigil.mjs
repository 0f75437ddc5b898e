#!/usr/bin/env node
// The `vigil` command. It runs the TypeScript sources directly through tsx, so `npx vigil` works straight
// after `npm ci` with no build step.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { engineProcessEnv, hasEngineAllocatorEnv } from '../engine/memory-env.mjs';

if (process.platform === 'linux' && !hasEngineAllocatorEnv()) {
  // The allocator reads its settings only at start-up (app/engine/memory-env.mjs): run this same command again with them.
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: engineProcessEnv() });
  // Signals are passed on (Ctrl-C may then reach the child twice; its handlers expect that) and this process waits.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
} else {
  // Loaded only in the process that runs the command: a re-run parent stays a plain, quick Node process.
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
