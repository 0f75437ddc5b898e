/**
 * The engine's Transport over a utility process, seen through the few calls it needs, so the same code runs on
 * Electron's UtilityProcess (engine-utility-process.ts) and, in tests, on a Node child standing in for it.
 */
import type { MessagePortMain } from 'electron';
import type { RpcMessage, Transport } from '../engine/rpc/protocol';

/** What the transport uses of a utility process. */
export interface UtilityProcessPort {
  postMessage(message: unknown, transfer?: MessagePortMain[]): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The process ended; `code` as the OS gave it. */
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

/** The engine's transport, and a way to hand it the engine's end of a window's frame channel. */
export interface EngineUtilityProcess extends Transport {
  /** Gives the engine `port`: camera frames arrive on it as transferred ArrayBuffers (app/engine/live/frame-wire.ts). */
  attachFramePort(port: MessagePortMain): void;
}

export function utilityProcessTransport(child: UtilityProcessPort): EngineUtilityProcess {
  const closeListeners = new Set<(reason: string) => void>();
  let exited = false;
  child.onExit((code) => {
    if (exited) return;
    exited = true;
    for (const listener of closeListeners) listener(`exited with code ${code}`);
  });
  return {
    // A message to an engine that has exited goes nowhere; the caller hears `engine_down` from the supervisor.
    send: (message: RpcMessage) => void (exited || child.postMessage(message)),
    onMessage: (listener) => child.onMessage(listener),
    onClose: (listener) => void closeListeners.add(listener),
    close: () => void (exited || child.kill()),
    attachFramePort: (port) => void (exited || child.postMessage({ kind: 'frame-port' }, [port])),
  };
}
