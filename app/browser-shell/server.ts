/**
 * The browser shell: serves the real renderer to any Chromium on 127.0.0.1 and carries the IPC contract
 * over a local WebSocket to the engine process. It is the Electron shell's stand-in wherever Electron's
 * binary is missing, and the host of the end-to-end tests.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { createDispatcher, createFrameDispatcher } from '../ipc/dispatch';
import { peekFrameSeq } from '../engine/live/frame-wire';
import type { RpcClient } from '../engine/rpc/client';
import { contentSecurityPolicy, securityHeaders } from '../shell/csp';
import { describeZodError } from '../ipc/contract';
import { decodeRequestPath } from '../shell/request-path';
import { readStatic } from './static-files';

export const BRIDGE_PATH = '/__vigil/bridge.js';
export const SOCKET_PATH = '/__vigil/ipc';
/** The launch URL's query parameter that hands the page this launch's secret (bridge.ts keeps it for the tab). */
export const LAUNCH_PARAM = 'vigil-launch';
/**
 * The page offers two WebSocket subprotocols: SOCKET_PROTOCOL, which the shell selects, and SECRET_PROTOCOL
 * followed by the secret, which it checks. A header rather than the URL keeps the secret out of the address.
 */
export const SOCKET_PROTOCOL = 'vigil.v1';
export const SECRET_PROTOCOL = 'vigil.secret.';

const BridgeRequest = z.object({ kind: z.literal('request'), id: z.number().int().nonnegative(), channel: z.unknown(), payload: z.unknown() }).strict();

export interface BrowserShellOptions {
  readonly rendererDir: string;
  readonly bridgeFile: string;
  readonly engine: RpcClient;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface BrowserShell {
  /** The app's origin and root, ending in `/`. Opening it alone gives a page that cannot reach the engine. */
  readonly url: string;
  /**
   * What the launcher opens: the root with this launch's secret. The secret exists only in this process and in
   * this URL (printed once to whoever started the shell); the socket refuses every client without it, whatever
   * its Origin header says, so another local program cannot drive the engine.
   */
  readonly launchUrl: string;
  close(): Promise<void>;
}

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const log = options.log ?? (() => {});
  const dispatch = createDispatcher(options.engine);
  const dispatchFrame = createFrameDispatcher(options.engine);
  let origin = '';

  const secret = randomBytes(32).toString('base64url');

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostIsOurs(req, origin)) {
      res.writeHead(421).end('wrong host');
      return;
    }
    // Plain http too: the browser shell also serves tests whose exam page runs on loopback.
    const csp = contentSecurityPolicy({ connectSrc: [origin.replace('http:', 'ws:')], frameSrc: ['http:', 'https:'] });
    const path = req.url ?? '/';
    const file = decodeRequestPath(path) === BRIDGE_PATH ? await readStatic(dirnameOf(options.bridgeFile), '/' + basenameOf(options.bridgeFile)) : await readStatic(options.rendererDir, path);
    if (file === 'bad_request') {
      res.writeHead(400, securityHeaders(csp)).end('bad request: the path is not a valid percent-encoded UTF-8 path');
      return;
    }
    if (!file || req.method !== 'GET') {
      res.writeHead(404, securityHeaders(csp)).end('not found');
      return;
    }
    let body = file.body;
    // The bridge defines window.vigil before the renderer runs, as Electron's preload does.
    if (file.type.startsWith('text/html')) body = Buffer.from(body.toString('utf8').replace('<head>', `<head>\n    <script src="${BRIDGE_PATH}"></script>`));
    res.writeHead(200, { ...securityHeaders(csp), 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(body);
  };
  const server = createServer((req, res) => {
    // A request that breaks anything is answered, never allowed to take the shell (and its engine) down.
    serve(req, res).catch((error: unknown) => {
      log(`browser shell: ${req.method ?? '?'} request failed: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end('internal error');
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    else socket.destroy();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024, handleProtocols: () => SOCKET_PROTOCOL });
  server.on('upgrade', (req, socket, head) => {
    // Only our own page may connect: it alone holds this launch's secret. The Origin and Host checks stop web
    // pages elsewhere in the user's browser (and DNS rebinding); the secret stops local programs, which can send
    // any Origin they like. Checked here, before any frame, so it covers every message kind on the socket.
    socket.on('error', () => socket.destroy());
    const refusal = socketRefusal(req, origin, secret);
    if (refusal) {
      log(`browser shell: refused a WebSocket (${refusal}) from origin ${JSON.stringify(req.headers.origin ?? '(none)').slice(0, 100)}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  sockets.on('connection', (ws: WebSocket) => {
    // Invalid frames (bad UTF-8, reserved bits, over maxPayload) end this socket; without a listener ws would throw.
    ws.on('error', (error) => log(`browser shell: socket error: ${error.message}`));
    ws.on('message', (data, isBinary) => {
      // A binary message is one camera frame (contract: FrameHeader, then pixels), carried to the engine as bytes;
      // the engine checks its header and size and answers a bad one with a refusal.
      if (isBinary) {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        const answer = (message: unknown) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
        };
        void dispatchFrame(bytes).then(
          (outcome) => answer({ kind: 'frame', ...outcome }),
          (error: Error & { code?: string }) => answer({ kind: 'frame', seq: peekFrameSeq(bytes), ok: false, error: { code: error.code ?? 'engine_error', message: error.message }, refused: 0 }),
        );
        return;
      }
      const request = parseBridgeRequest(data, isBinary);
      if (!request.ok) {
        // Answered, not dropped: the page learns what was wrong and the socket stays usable.
        ws.send(JSON.stringify({ kind: 'response', id: request.id, ok: false, error: { code: 'bad_message', message: request.message } }));
        return;
      }
      const { id, channel, payload } = request.value;
      void dispatch(channel, payload).then((outcome) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ kind: 'response', id, ...outcome }));
      });
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
    launchUrl: `${origin}/?${LAUNCH_PARAM}=${secret}`,
    close: async () => {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Why an upgrade request may not have the socket, or null when it is our page: path, Origin, Host, secret. */
export function socketRefusal(req: IncomingMessage, origin: string, secret: string): string | null {
  if (decodeRequestPath(req.url ?? '') !== SOCKET_PATH || (req.url ?? '').includes('?')) return 'wrong path';
  if (req.headers.origin !== origin || !hostIsOurs(req, origin)) return 'wrong origin or host';
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const given = Buffer.from(offered.find((p) => p.startsWith(SECRET_PROTOCOL))?.slice(SECRET_PROTOCOL.length) ?? '');
  const expected = Buffer.from(secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'no launch secret';
  return null;
}

type ParsedRequest = { ok: true; value: z.infer<typeof BridgeRequest> } | { ok: false; id: number | null; message: string };

/** A socket message as a bridge request, or why it is not one (with its id when one can be read). */
export function parseBridgeRequest(data: RawData, isBinary: boolean): ParsedRequest {
  if (isBinary) return { ok: false, id: null, message: 'binary messages are not bridge requests' };
  let json: unknown;
  try {
    json = JSON.parse(rawText(data));
  } catch {
    return { ok: false, id: null, message: 'not JSON' };
  }
  const parsed = BridgeRequest.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const id = (json as { id?: unknown } | null)?.id;
  return { ok: false, id: typeof id === 'number' && Number.isSafeInteger(id) ? id : null, message: `not a bridge request: ${describeZodError(parsed.error)}` };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
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
