/** Runs the engine in an Electron utilityProcess and gives the shell a Transport to it. */
import { utilityProcess, type MessagePortMain } from 'electron';
import type { RpcMessage, Transport } from '../engine/rpc/protocol';

/** The engine's transport, and a way to hand it the engine's end of a window's frame channel. */
export interface EngineUtilityProcess extends Transport {
  /** Gives the engine `port`: camera frames arrive on it as transferred ArrayBuffers (app/engine/live/frame-wire.ts). */
  attachFramePort(port: MessagePortMain): void;
}

export function startEngineUtilityProcess(entry: string, env: NodeJS.ProcessEnv): EngineUtilityProcess {
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
    attachFramePort: (port) => child.postMessage({ kind: 'frame-port' }, [port]),
  };
}
