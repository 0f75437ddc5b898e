/**
 * Wire messages between a shell and the engine process, and over the browser shell's WebSocket. Every
 * message crossing a process boundary is parsed with these schemas before anything looks inside it.
 */
import { z } from 'zod';

export const RpcRequest = z.object({ kind: z.literal('request'), id: z.number().int().nonnegative(), method: z.string().max(100), params: z.unknown() });
export type RpcRequest = z.infer<typeof RpcRequest>;

export const RpcError = z.object({ code: z.string(), message: z.string() });
export type RpcError = z.infer<typeof RpcError>;

export const RpcResponse = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: RpcError }),
]);
export type RpcResponse = z.infer<typeof RpcResponse>;

export const RpcEvent = z.object({ kind: z.literal('event'), event: z.string().max(100), payload: z.unknown() });
export type RpcEvent = z.infer<typeof RpcEvent>;

export const RpcMessage = z.union([RpcRequest, RpcResponse, RpcEvent]);
export type RpcMessage = z.infer<typeof RpcMessage>;

/** A two-way message pipe: a forked child, an Electron utilityProcess, a WebSocket, or an in-process pair. */
export interface Transport {
  send(message: RpcMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

/** An error a handler means the caller to see: its code and message cross the wire unchanged. */
export class RpcFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RpcFailure';
  }
}
