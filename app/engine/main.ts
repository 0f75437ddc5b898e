/**
 * The engine process entry. In Electron it runs as a utilityProcess (messages on process.parentPort); in the
 * browser shell and tests it is a forked Node process (messages on Node's IPC channel). Either way it opens
 * storage, serves the engine API, and exits when its parent goes away.
 */
import { createEngine, type EngineHost } from './api';
import { databasePath } from './paths';
import { RESTART_ENV } from './rpc/engine-supervisor';
import type { RpcMessage, Transport } from './rpc/protocol';
import { parentPortOfForkedProcess } from './rpc/node-process';
import { serveRpc, type Handlers } from './rpc/server';
import { openStore } from './storage/store';

/** Electron's MessagePortMain, seen structurally so the engine never imports electron. */
interface UtilityMessagePort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown; ports?: UtilityMessagePort[] }) => void): void;
  start?(): void;
}
/** Electron's utilityProcess parent port: messages from the main process, with any ports it hands over. */
type UtilityParentPort = UtilityMessagePort;

/** Frame ports the main process hands over (one per page load of the candidate app); frames answered on them. */
let onFramePort: (port: UtilityMessagePort) => void = () => {};

function utilityTransport(port: UtilityParentPort): Transport {
  return {
    send: (message: RpcMessage) => port.postMessage(message),
    onMessage: (listener) =>
      port.on('message', (event) => {
        const framePort = event.ports?.[0];
        if (framePort && (event.data as { kind?: unknown } | null)?.kind === 'frame-port') return onFramePort(framePort);
        listener(event.data);
      }),
    onClose: () => {},
    close: () => process.exit(0),
  };
}

function connect(): { transport: Transport; host: EngineHost } {
  const port = (process as unknown as { parentPort?: UtilityParentPort }).parentPort;
  if (port) return { transport: utilityTransport(port), host: 'electron-utility' };
  const forked = parentPortOfForkedProcess();
  if (forked) return { transport: forked, host: 'node' };
  throw new Error('the engine must be started by a shell (no parent port or IPC channel)');
}

const startedAt = Date.now();
const { transport, host } = connect();
const store = openStore(databasePath());
const { api, recover } = createEngine({ store, host, startedAt, env: process.env });
// Live sessions a stopped engine left open are marked interrupted first; a shell that restarted this engine
// (RESTART_ENV, VIGIL_ENGINE_RESTART) has a page going on with its session, otherwise each is reported now.
// Marking is synchronous and comes first; reporting abandoned sessions may take a while and runs alongside.
const recovered = recover({ restarted: process.env[RESTART_ENV] === '1' });
onFramePort = (port) => {
  port.on('message', (event) => {
    const data = event.data;
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(0);
    void api['session.frameBytes']({ bytes }).then(
      (answer) => port.postMessage(answer),
      (error: Error) => port.postMessage({ seq: null, ok: false, error: { code: 'engine_error', message: error.message }, refused: 0 }),
    );
  });
  port.start?.();
};
const server = serveRpc(transport, api as unknown as Handlers, (line) => process.stderr.write(`${line}\n`));
transport.onClose(() => {
  store.close();
  process.exit(0);
});
process.on('SIGTERM', () => {
  store.close();
  process.exit(0);
});
server.emit('engine.status', { status: 'ready' });
await recovered;
