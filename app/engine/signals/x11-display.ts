/**
 * Whether an X display answers, checked by connecting to its socket. Hooks built on Xlib (uiohook-napi)
 * abort the whole process when XOpenDisplay fails, so every X hook asks here first.
 */
import { existsSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';

export type DisplayProbeOutcome = { ok: true; display: string; socket: string } | { ok: false; display: string; reason: string; fix: string };

const DISPLAY_NAME = /^(?<host>[^:]*):(?<number>\d+)(?:\.\d+)?$/;

function connect(open: () => Socket): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = open();
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

export async function probeX11Display(display: string | undefined): Promise<DisplayProbeOutcome> {
  if (!display) {
    return { ok: false, display: '', reason: 'no X display (DISPLAY is not set)', fix: 'run inside an X11 session, or set DISPLAY (on Wayland: XWayland)' };
  }
  const match = DISPLAY_NAME.exec(display);
  if (!match?.groups) return { ok: false, display, reason: `DISPLAY '${display}' is not of the form [host]:number[.screen]`, fix: 'set DISPLAY to e.g. :0' };
  const { host = '', number = '0' } = match.groups;
  const fix = 'check DISPLAY and that the X server is running';
  if (host === '' || host === 'unix') {
    const path = `/tmp/.X11-unix/X${number}`;
    if (!existsSync(path)) return { ok: false, display, reason: `no X server on ${display} (${path} does not exist)`, fix };
    const error = await connect(() => createConnection(path));
    return error ? { ok: false, display, reason: `cannot connect to X server ${display}: ${error}`, fix } : { ok: true, display, socket: path };
  }
  const port = 6000 + Number(number);
  const error = await connect(() => createConnection(port, host));
  return error ? { ok: false, display, reason: `cannot connect to X server ${display} (${host}:${port}): ${error}`, fix } : { ok: true, display, socket: `${host}:${port}` };
}
