/**
 * Transports for the engine as a plain Node child process (forked with an IPC channel), from both ends.
 * Electron's utilityProcess has its own pair in app/adapters; the engine itself never knows which.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { engineProcessEnv } from '../memory-env.mjs';
import type { RpcMessage, Transport } from './protocol';

/** The parent's end: forks the engine entry and speaks to it over Node's IPC channel. */
export function forkEngine(entry: string, options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}): Transport & { child: ChildProcess } {
  const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: engineProcessEnv(options.env ?? process.env), execArgv: options.execArgv ?? [], serialization: 'advanced' });
  const closeListeners = new Set<(reason: string) => void>();
  let closed = false;
  const close = (reason: string) => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(reason);
  };
  child.on('exit', (code, signal) => close(signal ? `killed by ${signal}` : `exited with code ${code}`));
  child.on('error', (error) => close(error.message));
  return {
    child,
    send: (message: RpcMessage) => {
      if (!closed && child.connected) child.send(message);
    },
    onMessage: (listener) => void child.on('message', listener),
    onClose: (listener) => void closeListeners.add(listener),
    close: () => {
      child.kill('SIGTERM');
    },
  };
}

/** The child's end, when it was forked with an IPC channel. */
export function parentPortOfForkedProcess(): Transport | undefined {
  if (!process.send) return undefined;
  return {
    send: (message) => void process.send?.(message),
    onMessage: (listener) => void process.on('message', listener),
    onClose: (listener) => void process.on('disconnect', () => listener('parent disconnected')),
    close: () => process.disconnect?.(),
  };
}
