/**
 * Starting ffmpeg and ffprobe: the one place media tools are launched. On Linux and macOS through posix_spawn
 * (native/light-spawn), with stdout on a local socket that Node may read straight into the caller's buffers
 * (`onread`); elsewhere, or where the addon is not built, through child_process with pipes (same results, slower in
 * a large process: see native/light-spawn/src/light_spawn.c).
 */
import { spawn as forkSpawn } from 'node:child_process';
import { Socket } from 'node:net';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { lightSpawn } from '../../../native/light-spawn';

/** net's `onread`: bytes go into `buffer()`, then `callback(n)`; returning false pauses until `stdout.resume()`. */
export interface DirectRead {
  buffer: () => Uint8Array;
  callback: (bytes: number) => boolean;
}

export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ToolProcess {
  /** Without `onread`: the tool's output as a stream. With it: only for pause() and resume(), and its 'end'. */
  readonly stdout: Readable;
  /** The first 8 KB of what it wrote to stderr, once stderr is closed (what an error message quotes). */
  readonly stderr: Promise<string>;
  /** Settles when the tool has exited; rejects when it could not be started (the error's `code`: ENOENT...). */
  readonly exited: Promise<ToolExit>;
  /** Ends it at once (SIGKILL) and closes its output. */
  kill(): void;
}

/** How often a posix_spawn child is checked for its exit: it has no libuv handle to report it. */
const REAP_EVERY_MS = 5;

/** `launcher`: 'fork' takes child_process even where posix_spawn is there (the specs compare both). */
export function startTool(command: string, args: readonly string[], onread?: DirectRead, launcher: 'auto' | 'fork' = 'auto'): ToolProcess {
  const native = launcher === 'auto' ? lightSpawn() : null;
  return native ? startLight(native, command, args, onread) : startForked(command, args, onread);
}

function startLight(native: NonNullable<ReturnType<typeof lightSpawn>>, command: string, args: readonly string[], onread?: DirectRead): ToolProcess {
  let spawned: ReturnType<typeof native.spawn>;
  try {
    spawned = native.spawn(command, [command, ...args]);
  } catch (error) {
    return failedToStart(error as Error);
  }
  const stdout = new Socket({ fd: spawned.stdout, readable: true, writable: false, ...(onread ? { onread } : {}) });
  const stderr = new Socket({ fd: spawned.stderr, readable: true, writable: false });
  let result: ToolExit | null = null;
  const exited = new Promise<ToolExit>((resolve) => {
    const timer = setInterval(() => {
      const status = native.reap(spawned.pid);
      if (!status) return;
      clearInterval(timer);
      result = { code: status.code >= 0 ? status.code : null, signal: status.signal >= 0 ? signalName(status.signal) : null };
      resolve(result);
    }, REAP_EVERY_MS);
  });
  return {
    stdout,
    stderr: collectText(stderr),
    exited,
    kill: () => {
      // Once reaped, the pid may belong to another process.
      if (!result) process.kill(spawned.pid, 'SIGKILL');
      stdout.destroy();
      stderr.destroy();
    },
  };
}

function startForked(command: string, args: readonly string[], onread?: DirectRead): ToolProcess {
  const child = forkSpawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout = child.stdout!;
  if (onread) {
    // The same contract as a socket's onread, over a pipe's chunks (copied once into the caller's buffers).
    stdout.on('data', (chunk: Buffer) => {
      let more = true;
      for (let offset = 0; offset < chunk.length; ) {
        const into = onread.buffer();
        const take = Math.min(into.length, chunk.length - offset);
        into.set(chunk.subarray(offset, offset + take));
        offset += take;
        more = onread.callback(take);
      }
      if (!more) stdout.pause();
    });
  }
  const exited = new Promise<ToolExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    stdout,
    stderr: collectText(child.stderr!),
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      stdout.destroy();
    },
  };
}

function failedToStart(error: Error): ToolProcess {
  const nothing = new Socket();
  const exited = Promise.reject(error);
  exited.catch(() => undefined);
  nothing.destroy();
  return { stdout: nothing, stderr: Promise.resolve(''), exited, kill: () => undefined };
}

const closed = (stream: Readable) => new Promise<void>((resolve) => (stream.destroyed ? resolve() : stream.once('close', () => resolve())));

async function collectText(stream: Readable): Promise<string> {
  let text = '';
  stream.on('data', (d: Buffer) => {
    if (text.length < 8192) text += d.toString('utf8');
  });
  await closed(stream);
  return text;
}

const signalName = (n: number): NodeJS.Signals | null => (Object.entries(constants.signals).find(([, v]) => v === n)?.[0] as NodeJS.Signals | undefined) ?? null;

/** A tool's whole output: stdout as bytes, the first 8 KB of stderr as text. */
export interface ToolRun extends ToolExit {
  stdout: Buffer;
  stderr: string;
}

/** Runs a tool to its end, collecting its output; `timeoutMs` kills it (then `signal` is SIGKILL). */
export async function runTool(command: string, args: readonly string[], options: { timeoutMs?: number; launcher?: 'auto' | 'fork' } = {}): Promise<ToolRun> {
  const tool = startTool(command, args, undefined, options.launcher);
  const out: Buffer[] = [];
  tool.stdout.on('data', (d: Buffer) => out.push(d));
  const timer = options.timeoutMs ? setTimeout(() => tool.kill(), options.timeoutMs) : null;
  try {
    const exit = await tool.exited;
    const [stderr] = await Promise.all([tool.stderr, closed(tool.stdout)]);
    return { ...exit, stdout: Buffer.concat(out), stderr };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
