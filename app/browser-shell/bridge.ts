/**
 * Runs in the page before the renderer, as Electron's preload does, and defines the same `window.vigil` API
 * over the browser shell's WebSocket. The renderer cannot tell which shell it is in.
 */
import type { Channel, EventName, EventOf, FrameBytesAnswer, RequestOf, ResponseOf, VigilApi } from '../ipc/contract';

const SOCKET_PATH = '/__vigil/ipc';
/** server.ts: LAUNCH_PARAM, SOCKET_PROTOCOL, SECRET_PROTOCOL (not imported: the bridge bundle stays free of Node code). */
const LAUNCH_PARAM = 'vigil-launch';
const SOCKET_PROTOCOL = 'vigil.v1';
const SECRET_PROTOCOL = 'vigil.secret.';

/**
 * This launch's secret: handed over once in the launch URL, then kept in this tab's sessionStorage (per origin,
 * so per port) and taken out of the address, so reloads and in-app navigation keep the connection.
 */
function launchSecret(): string | null {
  const url = new URL(location.href);
  const given = url.searchParams.get(LAUNCH_PARAM);
  if (given) {
    sessionStorage.setItem(LAUNCH_PARAM, given);
    url.searchParams.delete(LAUNCH_PARAM);
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(LAUNCH_PARAM);
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

function createBridge(): VigilApi {
  const pending = new Map<number, Pending>();
  /** Frames awaiting the engine's answer, by their sequence number (-1: too short to carry one). */
  const frames = new Map<number, Pending[]>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 0;
  let closedReason: string | undefined;
  const secret = launchSecret();
  const socket = new WebSocket(`ws://${location.host}${SOCKET_PATH}`, secret ? [SOCKET_PROTOCOL, `${SECRET_PROTOCOL}${secret}`] : [SOCKET_PROTOCOL]);
  socket.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(secret ? 'engine_down: cannot reach the Vigil engine' : "engine_down: this page was not opened from Vigil's launch address, so it may not reach the engine")), { once: true });
  });
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { kind: string; id?: number; seq?: number | null; ok?: boolean; result?: unknown; error?: { code: string; message: string }; event?: string; payload?: unknown };
    if (message.kind === 'frame') {
      const waiting = frames.get(message.seq ?? -1);
      const entry = waiting?.shift();
      if (waiting?.length === 0) frames.delete(message.seq ?? -1);
      const { kind: _kind, ...answer } = message;
      entry?.resolve(answer);
      return;
    }
    if (message.kind === 'response' && message.id !== undefined) {
      const entry = pending.get(message.id);
      pending.delete(message.id);
      if (!entry) return;
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new Error(`${message.error?.code ?? 'error'}: ${message.error?.message ?? 'unknown error'}`));
    } else if (message.kind === 'event' && message.event) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    }
  });
  socket.addEventListener('close', (event) => {
    closedReason = event.reason || 'connection to the Vigil engine closed';
    for (const entry of pending.values()) entry.reject(new Error(`engine_down: ${closedReason}`));
    pending.clear();
    for (const waiting of frames.values()) for (const entry of waiting) entry.reject(new Error(`engine_down: ${closedReason}`));
    frames.clear();
    for (const listener of listeners.get('engine.status') ?? []) listener({ status: 'down', detail: closedReason });
  });

  return {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      await opened;
      if (closedReason) throw new Error(`engine_down: ${closedReason}`);
      const id = nextId++;
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.send(JSON.stringify({ kind: 'request', id, channel, payload: request }));
      });
    },
    async sendFrame(frame: ArrayBuffer): Promise<FrameBytesAnswer> {
      await opened;
      if (closedReason) throw new Error(`engine_down: ${closedReason}`);
      const seq = frame.byteLength >= 12 ? new DataView(frame).getUint32(8, true) : -1;
      return new Promise<FrameBytesAnswer>((resolve, reject) => {
        const waiting = frames.get(seq) ?? [];
        waiting.push({ resolve: resolve as (value: unknown) => void, reject });
        frames.set(seq, waiting);
        socket.send(frame);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

Object.defineProperty(window, 'vigil', { value: Object.freeze(createBridge()), writable: false, configurable: false });
