/**
 * Electron preload (sandboxed): exposes exactly one API, `window.vigil`, with the same shape the browser
 * shell's bridge provides. No Electron object crosses into the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Channel, EventName, EventOf, FrameBytesAnswer, RequestOf, ResponseOf, VigilApi } from './ipc/contract';

const INVOKE_CHANNEL = 'vigil:invoke';
const EVENT_CHANNEL = 'vigil:event';
/** The main process hands this window one end of a MessageChannelMain whose other end is in the engine process. */
const FRAME_PORT_CHANNEL = 'vigil:frame-port';

type Waiting = { resolve: (answer: FrameBytesAnswer) => void; reject: (error: Error) => void };
let framePort: MessagePort | undefined;
const portReady: Promise<MessagePort> = new Promise((resolve) => {
  ipcRenderer.on(FRAME_PORT_CHANNEL, (event) => {
    const port = event.ports[0];
    if (!port) return;
    framePort?.close();
    framePort = port;
    // A new port means a new engine (a page load, or the shell restarted a dead engine): frames sent to the old one
    // will never be answered, so their callers hear so now instead of waiting forever.
    for (const queue of waiting.values()) for (const w of queue) w.reject(new Error('engine_down: the engine restarted'));
    waiting.clear();
    port.onmessage = (message: MessageEvent) => {
      const answer = message.data as FrameBytesAnswer;
      const queue = waiting.get(answer.seq ?? -1);
      queue?.shift()?.resolve(answer);
      if (queue?.length === 0) waiting.delete(answer.seq ?? -1);
    };
    port.start();
    resolve(port);
  });
});
const waiting = new Map<number, Waiting[]>();

const api: VigilApi = {
  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const outcome = (await ipcRenderer.invoke(INVOKE_CHANNEL, channel, request)) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
    if (!outcome.ok) throw new Error(`${outcome.error?.code ?? 'error'}: ${outcome.error?.message ?? 'unknown error'}`);
    return outcome.result as ResponseOf<C>;
  },
  async sendFrame(frame: ArrayBuffer): Promise<FrameBytesAnswer> {
    // Frames go straight to the engine's process, not through the main process; the buffer is transferred. The
    // latest port: after an engine restart the main process hands over a new one.
    await portReady;
    const port = framePort!;
    const seq = frame.byteLength >= 12 ? new DataView(frame).getUint32(8, true) : -1;
    return new Promise<FrameBytesAnswer>((resolve, reject) => {
      const queue = waiting.get(seq) ?? [];
      queue.push({ resolve, reject });
      waiting.set(seq, queue);
      port.postMessage(frame, [frame]);
    });
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
