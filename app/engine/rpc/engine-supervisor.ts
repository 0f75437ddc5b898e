/**
 * A shell's hold on its engine process, the same in both shells (a Node child in the browser shell, Electron's
 * utilityProcess in the desktop app): when the engine exits without being asked (killed, crashed), it is started
 * again and the exam goes on; the new engine, told it is a restart (`VIGIL_ENGINE_RESTART=1`), resumes the live
 * session from its store and records the gap (app/engine/live/live-record.ts). Calls made while it is down fail
 * with `engine_down`, as before; the page retries. A crash loop (more than MAX_RESTARTS within RESTART_WINDOW_MS)
 * stops restarting, so a broken engine is reported down instead of restarted forever.
 *
 * Generic over how the engine is spawned: `start` gives any Transport, and `onStart` hands the shell each new
 * one (Electron gives a restarted engine the window's camera-frame port again).
 */
import { createRpcClient, type RpcClient } from './client';
import { RpcFailure, type Transport } from './protocol';

export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;
/** The variable that tells an engine it was started again mid-session (engine/main.ts reads it). */
export const RESTART_ENV = 'VIGIL_ENGINE_RESTART';

/** The environment for one engine start: `env`, marked as a restart when it is one. */
export function engineStartEnv(env: NodeJS.ProcessEnv, restarted: boolean): NodeJS.ProcessEnv {
  const started = { ...env };
  // A shell itself started with the variable set must not pass it on to its first engine.
  if (restarted) started[RESTART_ENV] = '1';
  else delete started[RESTART_ENV];
  return started;
}

export interface SupervisedEngine<T extends Transport = Transport> extends RpcClient {
  /** Engine starts so far, the first included. */
  readonly starts: number;
  /** The running engine's transport (the latest started). */
  current(): T;
  /** Stops the engine for good (the shell is closing). */
  close(): void;
}

export interface SuperviseOptions<T extends Transport> {
  readonly log?: (line: string) => void;
  /** Each engine started, the first included, before any call reaches it. */
  readonly onStart?: (transport: T, restarted: boolean) => void;
}

/** `start(restarted)` spawns one engine process; `restarted` tells it a page may go on with its session. */
export function superviseEngine<T extends Transport>(start: (restarted: boolean) => T, options: SuperviseOptions<T> = {}): SupervisedEngine<T> {
  const log = options.log ?? (() => undefined);
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const restarts: number[] = [];
  let starts = 0;
  let closing = false;
  let transport: T;
  let client: RpcClient;

  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners) listener(event, payload);
  };
  const launch = (restarted: boolean) => {
    starts += 1;
    transport = start(restarted);
    client = createRpcClient(transport);
    client.onEvent(emit);
    options.onStart?.(transport, restarted);
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
    current: () => transport,
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
