/** Runs the engine in an Electron utilityProcess and gives the shell a Transport to it. */
import { utilityProcess } from 'electron';
import type { RpcMessage, Transport } from '../engine/rpc/protocol';

export function startEngineUtilityProcess(entry: string, env: NodeJS.ProcessEnv): Transport {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Vigil engine', env, stdio: 'inherit' });
  const closeListeners = new Set<(reason: string) => void>();
  child.on('exit', (code) => {
    for (const listener of closeListeners) listener(`exited with code ${code}`);
  });
  return {
    send: (message: RpcMessage) => child.postMessage(message),
    onMessage: (listener) => void child.on('message', listener),
    onClose: (listener) => void closeListeners.add(listener),
    close: () => void child.kill(),
  };
}
