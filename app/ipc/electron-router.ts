/**
 * Electron's half of the contract: one ipcMain handler that checks who sent the message (our window, our
 * origin, the top frame) and hands it to the shared dispatcher, which parses it with zod.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { RpcClient } from '../engine/rpc/client';
import { isAppUrl } from '../shell/protocol';
import { createDispatcher, type DispatchResult } from './dispatch';

export const INVOKE_CHANNEL = 'vigil:invoke';
export const EVENT_CHANNEL = 'vigil:event';

/** Called after each dispatched request, so the main process can follow the exam (start and end the lockdown). */
export type AfterDispatch = (channel: unknown, payload: unknown, outcome: DispatchResult) => void;

export function routeIpc(engine: RpcClient, trusted: () => WebContents | undefined, afterDispatch?: AfterDispatch): () => void {
  const dispatch = createDispatcher(engine);
  ipcMain.handle(INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, channel: unknown, payload: unknown) => {
    if (!isTrustedSender(event, trusted())) return { ok: false, error: { code: 'forbidden', message: 'sender is not the Vigil window' } };
    const outcome = await dispatch(channel, payload);
    afterDispatch?.(channel, payload, outcome);
    return outcome;
  });
  const unsubscribe = engine.onEvent((name, payload) => trusted()?.send(EVENT_CHANNEL, name, payload));
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}

function isTrustedSender(event: IpcMainInvokeEvent, window: WebContents | undefined): boolean {
  const frame = event.senderFrame;
  return window !== undefined && event.sender === window && frame !== null && frame === window.mainFrame && isAppUrl(frame.url);
}
