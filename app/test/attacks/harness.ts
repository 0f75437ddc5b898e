/**
 * A browser shell in front of a real engine process, both started from source with tsx in processes of their
 * own (shell-process.ts), for the attack and fuzz tests: the shell's own server code, real HTTP and WebSocket
 * over loopback, the engine's real API and store. The served renderer is a one-line page; what is attacked is
 * the shell and the engine, not the UI. A crash ends the shell's process, which `alive()` reports.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** Variables that would make the engine see a remote session; the tests set them only on purpose. */
const REMOTE_VARIABLES = ['SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY', 'XRDP_SESSION', 'XRDP_SOCKET_PATH', 'SESSIONNAME'];

export interface Harness {
  readonly home: string;
  /** The app's origin without the trailing slash, as a browser sends it in `Origin`. */
  readonly origin: string;
  /** The launch secret the shell hands the page (undefined on a shell that has none). */
  readonly secret: string | undefined;
  /** The shell's process has not exited. */
  alive(): boolean;
  /** A plain HTTP request with the raw target, answered status (0 when the connection closed without one, -1 on timeout). */
  get(target: string, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'vigil-attack-'));
  const web = join(home, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><html><head></head><body>Vigil</body></html>');
  writeFileSync(join(web, 'bridge.js'), '// bridge stand-in: the tests drive the socket directly\n');
  // Unsigned plain-JSON policies, as the e2e specs open them (signed configs are tested in app/engine/config).
  const childEnv: NodeJS.ProcessEnv = { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', ...env, VIGIL_HOME: home };
  for (const name of REMOTE_VARIABLES) if (!(name in env)) delete childEnv[name];
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'shell-process.ts'), web], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const printed = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the shell did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /^shell (\S+)$/m.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the shell exited with code ${code}: ${stderr}`)));
  });
  const url = new URL(printed);
  const origin = url.origin;
  const secret = url.searchParams.get('vigil-launch') ?? undefined;
  return {
    home,
    origin,
    secret,
    alive: () => child.exitCode === null && child.signalCode === null,
    get: (target, timeoutMs = 5000) => rawGet(Number(url.port), target, timeoutMs),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** GET with the target bytes exactly as given (no client-side normalisation), on its own connection. */
function rawGet(port: number, target: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    let data = '';
    const done = (status: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => done(-1), timeoutMs);
    socket.on('connect', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 'latin1'));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (match) done(Number(match[1]));
    });
    socket.on('error', () => done(0));
    socket.on('close', () => done(0));
  });
}

export type SocketAttempt = { status: number; ws?: WebSocket };

/**
 * Opens the shell's socket as a client would: `origin` is the Origin header it claims, `secret` the launch
 * secret it offers (the page's way, as a subprotocol), or none.
 */
export function openSocket(h: Harness, options: { origin: string; secret?: string }): Promise<SocketAttempt> {
  const protocols = ['vigil.v1', ...(options.secret ? [`vigil.secret.${options.secret}`] : [])];
  return new Promise((resolve) => {
    const ws = new WebSocket(`${h.origin.replace('http:', 'ws:')}/__vigil/ipc`, protocols, { headers: { Origin: options.origin } });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', () => resolve({ status: 0 }));
  });
}

/** The page's own socket: our origin and this launch's secret. */
export async function pageSocket(h: Harness): Promise<WebSocket> {
  const attempt = await openSocket(h, { origin: h.origin, ...(h.secret ? { secret: h.secret } : {}) });
  if (!attempt.ws) throw new Error(`the page's own socket was refused (${attempt.status})`);
  return attempt.ws;
}

export type Answer = { kind: string; id: number | null; ok: boolean; result?: unknown; error?: { code: string; message: string } };

/** Sends one raw message and waits for the next answer, or for the socket to close (then `closed` with its code). */
export function exchange(ws: WebSocket, message: string | Buffer, timeoutMs = 10_000): Promise<Answer | { closed: number }> {
  return new Promise((resolve) => {
    const cleanup = () => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    const onMessage = (data: WebSocket.RawData) => {
      const answer = JSON.parse(String(data)) as Answer;
      // A text message is answered as a response; a binary one is a camera frame, answered as a frame.
      if (answer.kind !== (typeof message === 'string' ? 'response' : 'frame')) return;
      cleanup();
      resolve(answer);
    };
    const onClose = (code: number) => {
      cleanup();
      resolve({ closed: code });
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve({ closed: -1 });
    }, timeoutMs);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    if (ws.readyState !== ws.OPEN) return onClose(ws.readyState === ws.CLOSED ? 1006 : -2);
    ws.send(message);
  });
}

let nextId = 1;
/** One contract request over the socket, as the bridge sends it. */
export function request(ws: WebSocket, channel: string, payload: unknown, timeoutMs?: number): Promise<Answer | { closed: number }> {
  return exchange(ws, JSON.stringify({ kind: 'request', id: nextId++, channel, payload }), timeoutMs);
}
