/** Calls the engine over a transport; every pending call fails with one clear error if the engine goes away. */
import { RpcEvent, RpcFailure, RpcResponse, type Transport } from './protocol';

export interface RpcClient {
  call(method: string, params: unknown, timeoutMs?: number): Promise<unknown>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  readonly closed: boolean;
}

export function createRpcClient(transport: Transport, name = 'engine'): RpcClient {
  let nextId = 0;
  let closedReason: string | undefined;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const listeners = new Set<(event: string, payload: unknown) => void>();

  transport.onMessage((raw) => {
    const response = RpcResponse.safeParse(raw);
    if (response.success) {
      const entry = pending.get(response.data.id);
      if (!entry) return;
      pending.delete(response.data.id);
      clearTimeout(entry.timer);
      if (response.data.ok) entry.resolve(response.data.result);
      else entry.reject(new RpcFailure(response.data.error.code, response.data.error.message));
      return;
    }
    const event = RpcEvent.safeParse(raw);
    if (event.success) for (const listener of listeners) listener(event.data.event, event.data.payload);
  });
  transport.onClose((reason) => {
    closedReason = reason;
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.reject(new RpcFailure('engine_down', `${name} stopped (${reason})`));
      pending.delete(id);
    }
  });

  return {
    get closed() {
      return closedReason !== undefined;
    },
    call(method, params, timeoutMs = 30_000) {
      if (closedReason !== undefined) return Promise.reject(new RpcFailure('engine_down', `${name} stopped (${closedReason})`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new RpcFailure('timeout', `${name} did not answer ${method} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        transport.send({ kind: 'request', id, method, params });
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
