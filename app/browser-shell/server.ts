/**
 * The browser shell: serves the real renderer to any Chromium on 127.0.0.1 and carries the IPC contract
 * over a local WebSocket to the engine process. It is the Electron shell's stand-in wherever Electron's
 * binary is missing, and the host of the end-to-end tests.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { createDispatcher, createFrameDispatcher } from '../ipc/dispatch';
import { peekFrameSeq } from '../engine/live/frame-wire';
import type { RpcClient } from '../engine/rpc/client';
import { contentSecurityPolicy, securityHeaders } from '../shell/csp';
import { readStatic } from './static-files';

export const BRIDGE_PATH = '/__vigil/bridge.js';
export const SOCKET_PATH = '/__vigil/ipc';

const BridgeRequest = z.object({ kind: z.literal('request'), id: z.number().int().nonnegative(), channel: z.unknown(), payload: z.unknown() }).strict();

export interface BrowserShellOptions {
  readonly rendererDir: string;
  readonly bridgeFile: string;
  readonly engine: RpcClient;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface BrowserShell {
  readonly url: string;
  close(): Promise<void>;
}

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const log = options.log ?? (() => {});
  const dispatch = createDispatcher(options.engine);
  const dispatchFrame = createFrameDispatcher(options.engine);
  let origin = '';

  const server = createServer((req, res) => {
    void (async () => {
      if (!hostIsOurs(req, origin)) {
        res.writeHead(421).end('wrong host');
        return;
      }
      const path = req.url ?? '/';
      // Plain http too: the browser shell also serves tests whose exam page runs on loopback.
      const csp = contentSecurityPolicy({ connectSrc: [origin.replace('http:', 'ws:')], frameSrc: ['http:', 'https:'] });
      const file = path === BRIDGE_PATH ? await readStatic(dirnameOf(options.bridgeFile), '/' + basenameOf(options.bridgeFile)) : await readStatic(options.rendererDir, path);
      if (!file || req.method !== 'GET') {
        res.writeHead(404, securityHeaders(csp)).end('not found');
        return;
      }
      let body = file.body;
      // The bridge defines window.vigil before the renderer runs, as Electron's preload does.
      if (file.type.startsWith('text/html')) body = Buffer.from(body.toString('utf8').replace('<head>', `<head>\n    <script src="${BRIDGE_PATH}"></script>`));
      res.writeHead(200, { ...securityHeaders(csp), 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(body);
    })();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    // Only our own page may connect: a web page elsewhere in the user's browser must not drive the engine.
    if (req.url !== SOCKET_PATH || req.headers.origin !== origin || !hostIsOurs(req, origin)) {
      log(`browser shell: refused a WebSocket from origin ${req.headers.origin ?? '(none)'}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  sockets.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      // A binary message is one camera frame (contract: FrameHeader, then pixels), carried to the engine as bytes.
      if (isBinary) {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        void dispatchFrame(bytes).then(
          (answer) => ws.send(JSON.stringify({ kind: 'frame', ...answer })),
          (error: Error & { code?: string }) => ws.send(JSON.stringify({ kind: 'frame', seq: peekFrameSeq(bytes), ok: false, error: { code: error.code ?? 'engine_error', message: error.message }, refused: 0 })),
        );
        return;
      }
      let parsed;
      try {
        parsed = BridgeRequest.safeParse(JSON.parse(data.toString()));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        ws.close(1008, 'malformed message');
        return;
      }
      const { id, channel, payload } = parsed.data;
      void dispatch(channel, payload).then((outcome) => ws.send(JSON.stringify({ kind: 'response', id, ...outcome })));
    });
  });
  const unsubscribe = options.engine.onEvent((event, payload) => {
    const message = JSON.stringify({ kind: 'event', event, payload });
    for (const client of sockets.clients) client.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    close: async () => {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** DNS rebinding guard: the Host header must be our own loopback address and port. */
function hostIsOurs(req: IncomingMessage, origin: string): boolean {
  return origin !== '' && `http://${req.headers.host ?? ''}` === origin;
}

function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}
function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
