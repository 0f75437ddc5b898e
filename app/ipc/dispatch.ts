/**
 * Routes a renderer's request to the engine: checks the channel, parses the payload with the contract,
 * calls the engine, and parses the answer before it goes back. Both shells (Electron and browser) use this,
 * so the renderer sees one behaviour whichever shell hosts it.
 */
import type { EngineApi } from '../engine/api';
import type { RpcClient } from '../engine/rpc/client';
import { RpcFailure } from '../engine/rpc/protocol';
import { ContractError, FrameBytesAnswer, channels, isChannel, parseRequest, parseResponse, type Channel, type RequestOf, type ResponseOf } from './contract';

/**
 * Channels that may take longer than the RPC client's 30 s: finishing re-encodes the kept evidence clips with
 * ffmpeg, which on a busy machine, with a long flagged stretch, takes minutes.
 */
const CALL_TIMEOUT_MS: Partial<Record<Channel, number>> = { 'session.finish': 300_000 };

/**
 * Compile-time proof that the engine's API fits the contract: every channel has an engine method whose
 * parameters accept the contract's request and whose result fits the contract's response.
 */
type Fits<C extends Channel> = EngineApi[C] extends (params: RequestOf<C>) => Promise<infer R> ? (R extends ResponseOf<C> ? true : never) : never;
const _engineFitsContract: { [C in Channel]: Fits<C> } = {
  'engine.health': true,
  'engine.ping': true,
  'policy.parse': true,
  'policy.load': true,
  'exam.practice': true,
  'policy.check': true,
  'system.check': true,
  'identity.begin': true,
  'voice.enrol': true,
  'voice.skip': true,
  'session.start': true,
  'session.frame': true,
  'session.audio': true,
  'session.evidence': true,
  'session.calibrate': true,
  'session.camera': true,
  'session.finish': true,
  'session.device': true,
  'session.quit': true,
  'session.sync': true,
};
void _engineFitsContract;

export interface DispatchError {
  readonly code: string;
  readonly message: string;
}

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: DispatchError };

export function createDispatcher(engine: RpcClient) {
  return async function dispatch(channel: unknown, payload: unknown): Promise<DispatchResult> {
    try {
      if (!isChannel(channel)) throw new ContractError('unknown_channel', `unknown channel ${JSON.stringify(channel)?.slice(0, 80)}`);
      const request = parseRequest(channel, payload);
      const raw = await engine.call(channel, request, CALL_TIMEOUT_MS[channel]);
      return { ok: true, result: parseResponse(channel, raw) };
    } catch (error) {
      if (error instanceof ContractError || error instanceof RpcFailure) return { ok: false, error: { code: error.code, message: error.message } };
      return { ok: false, error: { code: 'internal', message: (error as Error).message } };
    }
  };
}

/**
 * Carries one frame's bytes to the engine unchanged (the engine decodes and checks them: one place for every
 * shell) and parses its answer. A frame the engine refuses is an answer, not an error: the session goes on.
 */
export function createFrameDispatcher(engine: RpcClient) {
  return async function dispatchFrame(bytes: Uint8Array): Promise<FrameBytesAnswer> {
    const raw = await engine.call('session.frameBytes', { bytes }, 10_000);
    const parsed = FrameBytesAnswer.safeParse(raw);
    if (!parsed.success) throw new ContractError('bad_response', 'session.frameBytes: the engine answered with something that is not a frame answer');
    return parsed.data;
  };
}

export const channelNames = Object.keys(channels) as Channel[];
