/**
 * The IPC contract: every channel between the renderer, the main process (or browser shell) and the engine,
 * with a zod schema for each request and response. It is the only file of app/ the renderer may import.
 * Both shells parse every payload with these schemas before it reaches the engine, and the renderer parses
 * every answer, so no side trusts the other's shape.
 */
import { z } from 'zod';

export const CONTRACT_VERSION = 1;

export const HealthCheck = z.object({
  id: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  summary: z.string(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

export const EngineHealth = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  engineVersion: z.string(),
  contractVersion: z.number().int(),
  pid: z.number().int(),
  uptimeSec: z.number().nonnegative(),
  runtime: z.object({ node: z.string(), platform: z.string(), arch: z.string(), host: z.enum(['electron-utility', 'node']) }),
  storage: z.object({ path: z.string(), schemaVersion: z.number().int(), journalMode: z.string(), sessions: z.number().int() }),
  checks: z.array(HealthCheck),
});
export type EngineHealth = z.infer<typeof EngineHealth>;

/** Request/response channels, renderer -> engine. Add a channel here first; both shells pick it up. */
export const channels = {
  'engine.health': { request: z.object({}).strict(), response: EngineHealth },
  'engine.ping': {
    request: z.object({ nonce: z.string().max(128) }).strict(),
    response: z.object({ nonce: z.string(), receivedAt: z.number() }),
  },
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.infer<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<(typeof channels)[C]['response']>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** Events pushed engine -> renderer. */
export const events = {
  'engine.status': z.object({ status: z.enum(['starting', 'ready', 'restarting', 'down']), detail: z.string().optional() }),
} as const;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.infer<(typeof events)[E]>;

/** The one API both shells expose to the renderer as `window.vigil`. */
export interface VigilApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/** Parses a request for a known channel, throwing a ContractError that names the channel and the problem. */
export function parseRequest<C extends Channel>(channel: C, payload: unknown): RequestOf<C> {
  const result = channels[channel].request.safeParse(payload);
  if (!result.success) throw new ContractError('bad_request', `${channel}: ${describeZodError(result.error)}`);
  return result.data as RequestOf<C>;
}

export function parseResponse<C extends Channel>(channel: C, payload: unknown): ResponseOf<C> {
  const result = channels[channel].response.safeParse(payload);
  if (!result.success) throw new ContractError('bad_response', `${channel}: ${describeZodError(result.error)}`);
  return result.data as ResponseOf<C>;
}

export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** One line per zod error: the first issue's path and message. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}
