/** Serves an API object over a transport: one request in, one response out, failures as data. */
import { RpcFailure, RpcRequest, type RpcEvent, type Transport } from './protocol';

export type Handlers = Record<string, (params: unknown) => unknown>;

export interface RpcServer {
  emit(event: string, payload: unknown): void;
}

export function serveRpc(transport: Transport, handlers: Handlers, log: (line: string) => void = () => {}): RpcServer {
  transport.onMessage((raw) => {
    const parsed = RpcRequest.safeParse(raw);
    if (!parsed.success) {
      log(`engine: dropped a malformed message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return;
    }
    const { id, method, params } = parsed.data;
    const handler = Object.prototype.hasOwnProperty.call(handlers, method) ? handlers[method] : undefined;
    if (!handler) {
      transport.send({ kind: 'response', id, ok: false, error: { code: 'unknown_method', message: `no engine method ${method}` } });
      return;
    }
    Promise.resolve()
      .then(() => handler(params))
      .then(
        (result) => transport.send({ kind: 'response', id, ok: true, result }),
        (error: unknown) => {
          const code = error instanceof RpcFailure ? error.code : 'engine_error';
          const message = error instanceof Error ? error.message : String(error);
          if (!(error instanceof RpcFailure)) log(`engine: ${method} failed: ${message}`);
          transport.send({ kind: 'response', id, ok: false, error: { code, message } });
        },
      );
  });
  return {
    emit(event, payload) {
      const message: RpcEvent = { kind: 'event', event, payload };
      transport.send(message);
    },
  };
}
