/**
 * Electron's half of the contract: one ipcMain handler (invoke-handler.ts) that checks who sent the message
 * (our window, our origin, the top frame) and hands it to the shared dispatcher, which parses it with zod.
 */
import { ipcMain, type WebContents } from 'electron';
import type { RpcClient } from '../engine/rpc/client';
import { createInvokeHandler, type AfterDispatch, type BeforeDispatch } from './invoke-handler';

export const INVOKE_CHANNEL = 'vigil:invoke';
export const EVENT_CHANNEL = 'vigil:event';

export type { AfterDispatch, BeforeDispatch } from './invoke-handler';

export function routeIpc(engine: RpcClient, trusted: () => WebContents | undefined, hooks: { before?: BeforeDispatch; after?: AfterDispatch } = {}): () => void {
  const handle = createInvokeHandler(engine, trusted, hooks);
  ipcMain.handle(INVOKE_CHANNEL, (event, channel: unknown, payload: unknown) => handle(event, channel, payload));
  const unsubscribe = engine.onEvent((name, payload) => trusted()?.send(EVENT_CHANNEL, name, payload));
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}
