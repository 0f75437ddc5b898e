/**
 * The browser shell's hold on its engine process: when the engine exits without being asked (killed, crashed),
 * it is started again and the exam goes on; the new engine resumes the live session from its store and records
 * the gap (app/engine/live/live-record.ts). Calls made while it is down fail with `engine_down`, as before; the
 * page retries. A crash loop (more than MAX_RESTARTS within RESTART_WINDOW_MS) stops restarting, so a broken
 * engine is reported down instead of restarted forever.
 */
import { createRpcClient, type RpcClient } from '../engine/rpc/client';
import { RpcFailure, type Transport } from '../engine/rpc/protocol';

export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;

export interface SupervisedEngine extends RpcClient {
  /** Engine starts so far, the first included. */
  readonly starts: number;
  /** Stops the engine for good (the shell is closing). */
  close(): void;
}

/** `start(restarted)` forks one engine process; `restarted` tells it a page may go on with its session. */
export function superviseEngine(start: (restarted: boolean) => Transport, log: (line: string) => void = () => {}): SupervisedEngine {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const restarts: number[] = [];
  let starts = 0;
  let closing = false;
  let transport: Transport;
  let client: RpcClient;

  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners) listener(event, payload);
  };
  const launch = (restarted: boolean) => {
    starts += 1;
    transport = start(restarted);
    client = createRpcClient(transport);
    client.onEvent(emit);
    transport.onClose((reason) => {
      if (closing) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        log(`vigil: engine process stopped (${reason}) ${restarts.length} times within a minute; not restarting it`);
        emit('engine.status', { status: 'down', detail: reason });
        return;
      }
      log(`vigil: engine process stopped (${reason}); starting it again`);
      emit('engine.status', { status: 'restarting', detail: reason });
      launch(true);
    });
  };
  launch(false);

  return {
    get starts() {
      return starts;
    },
    get closed() {
      return closing || client.closed;
    },
    call(method, params, timeoutMs) {
      if (closing) return Promise.reject(new RpcFailure('engine_down', 'engine stopped (the shell is closing)'));
      return client.call(method, params, timeoutMs);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing = true;
      transport.close();
    },
  };
}
