/**
 * The renderer's one way to reach the engine: `window.vigil`, provided by Electron's preload or the browser
 * shell's bridge. Every answer is parsed with the contract before the UI sees it.
 */
import { FrameBytesAnswer, parseResponse, type Channel, type EventName, type EventOf, type RequestOf, type ResponseOf, type VigilApi } from '../../app/ipc/contract';

declare global {
  interface Window {
    readonly vigil?: VigilApi;
  }
}

function api(): VigilApi {
  if (!window.vigil) throw new Error('shell_missing: this page must be opened by Vigil (window.vigil is not defined)');
  return window.vigil;
}

export async function invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  return parseResponse(channel, await api().invoke(channel, request));
}

/** One camera frame as bytes (contract: FrameHeader, then pixels); the answer is parsed like every other. */
export async function sendFrame(frame: ArrayBuffer): Promise<FrameBytesAnswer> {
  return FrameBytesAnswer.parse(await api().sendFrame(frame));
}

export function subscribe<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
  return api().on(event, listener);
}
