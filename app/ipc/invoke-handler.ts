/**
 * Electron's IPC entry point without Electron: who may call (our window's top frame, on the app's own
 * address) and what happens to a call (the shared dispatcher). electron-router.ts registers exactly this
 * function with ipcMain, so the tests of this file test what the main process runs.
 */
import type { RpcClient } from '../engine/rpc/client';
import { isAppUrl } from '../shell/app-url';
import { createDispatcher, type DispatchResult } from './dispatch';

/** The parts of Electron's IpcMainInvokeEvent the check reads (structural, so no Electron import). */
export interface InvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: { readonly url: string } | null;
}

/** The parts of our window's WebContents the check compares with. */
export interface TrustedContents {
  readonly mainFrame: unknown;
}

/** Called after each dispatched request, so the main process can follow the exam (start and end the lockdown). */
export type AfterDispatch = (channel: unknown, payload: unknown, outcome: DispatchResult) => void;

/**
 * Called before a request is dispatched; an answer given here is the request's answer and the engine is not
 * asked (the main process refuses `session.start` when the lockdown's own checks say the exam may not start).
 */
export type BeforeDispatch = (channel: unknown, payload: unknown) => Promise<DispatchResult | undefined>;

export const FORBIDDEN: DispatchResult = { ok: false, error: { code: 'forbidden', message: 'sender is not the Vigil window' } };

/** Our window, its top frame (not an iframe such as the exam site), on vigil-app://app. */
export function isTrustedSender(event: InvokeEvent, window: TrustedContents | undefined): boolean {
  const frame = event.senderFrame;
  return window !== undefined && event.sender === window && frame !== null && frame === window.mainFrame && isAppUrl(frame.url);
}

export function createInvokeHandler(engine: RpcClient, trusted: () => TrustedContents | undefined, hooks: { before?: BeforeDispatch; after?: AfterDispatch } = {}) {
  const dispatch = createDispatcher(engine);
  return async function handleInvoke(event: InvokeEvent, channel: unknown, payload: unknown): Promise<DispatchResult> {
    if (!isTrustedSender(event, trusted())) return FORBIDDEN;
    const early = await hooks.before?.(channel, payload);
    const outcome = early ?? (await dispatch(channel, payload));
    hooks.after?.(channel, payload, outcome);
    return outcome;
  };
}
