import { describe, expect, it } from 'vitest';
import type { RpcClient } from '../engine/rpc/client';
import { createDispatcher } from './dispatch';

/** An engine that records what reaches it and answers ping. */
function engine(calls: string[]): RpcClient {
  return {
    closed: false,
    call: (method, params) => {
      calls.push(method);
      return Promise.resolve({ nonce: (params as { nonce: string }).nonce, receivedAt: 1 });
    },
    onEvent: () => () => undefined,
  };
}

describe('dispatch', () => {
  it('passes a contract request through and parses the answer', async () => {
    const calls: string[] = [];
    expect(await createDispatcher(engine(calls))('engine.ping', { nonce: 'n1' })).toEqual({ ok: true, result: { nonce: 'n1', receivedAt: 1 } });
    expect(calls).toEqual(['engine.ping']);
  });

  it('keeps engine methods outside the contract away from the page (OS signals come only from the main process)', async () => {
    const calls: string[] = [];
    const outcome = await createDispatcher(engine(calls))('session.signal', { sessionId: 'x', event: {} });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(calls).toEqual([]);
  });

  it('refuses a request that breaks its schema before it reaches the engine', async () => {
    const calls: string[] = [];
    const outcome = await createDispatcher(engine(calls))('engine.ping', { nonce: 7 });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/^engine\.ping: nonce: /) } });
    expect(calls).toEqual([]);
  });
});
