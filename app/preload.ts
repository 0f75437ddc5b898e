/**
 * Electron preload (sandboxed): exposes exactly one API, `window.vigil`, with the same shape the browser
 * shell's bridge provides. No Electron object crosses into the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Channel, EventName, EventOf, RequestOf, ResponseOf, VigilApi } from './ipc/contract';

const INVOKE_CHANNEL = 'vigil:invoke';
const EVENT_CHANNEL = 'vigil:event';

const api: VigilApi = {
  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const outcome = (await ipcRenderer.invoke(INVOKE_CHANNEL, channel, request)) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
    if (!outcome.ok) throw new Error(`${outcome.error?.code ?? 'error'}: ${outcome.error?.message ?? 'unknown error'}`);
    return outcome.result as ResponseOf<C>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void) {
    const handler = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload as EventOf<E>);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('vigil', api);
