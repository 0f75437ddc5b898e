/**
 * A second, ordinary X client for tests: `xev -root` reporting every key press that reaches it. Used to
 * prove what a keyboard grab keeps from other clients.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { requireTool, xdotool, type XServer } from './x-server';

export interface KeyPress {
  readonly keysym: string;
  /** X modifier state bits as xev prints them (0x8 = Mod1/Alt, 0x4 = Control). */
  readonly state: number;
}

export interface XKeyListener {
  readonly presses: readonly KeyPress[];
  /** Types `key` with xdotool and waits until the listener reports it; proves everything typed earlier arrived. */
  mark(key: string): Promise<number>;
  stop(): Promise<void>;
}

const KEY_PRESS = /^KeyPress event[\s\S]*?state 0x([0-9a-f]+), keycode \d+ \(keysym 0x[0-9a-f]+, ([^)]+)\)/;

export async function startKeyListener(server: XServer): Promise<XKeyListener> {
  requireTool('xev');
  const child = spawn('xev', ['-root', '-event', 'keyboard'], { env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const presses: KeyPress[] = [];
  let buffer = '';
  const waiters: { keysym: string; from: number; resolve: (index: number) => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const match = KEY_PRESS.exec(block.trim());
      if (!match) continue;
      presses.push({ keysym: match[2] ?? '', state: parseInt(match[1] ?? '0', 16) });
      for (const waiter of [...waiters]) {
        const index = presses.findIndex((p, i) => i >= waiter.from && p.keysym === waiter.keysym);
        if (index >= 0) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(index);
        }
      }
    }
  });
  const exited = once(child, 'exit');

  // X events reach a client in order, so once the marker key arrives, everything typed before it has too.
  async function mark(key: string): Promise<number> {
    const from = presses.length;
    const arrived = new Promise<number>((resolve) => waiters.push({ keysym: key, from, resolve }));
    // xev selects its input asynchronously after start; repeat the marker until the first one arrives.
    for (let attempt = 0; attempt < 300; attempt++) {
      xdotool(server, ['key', key]);
      const index = await Promise.race([arrived, new Promise<undefined>((r) => setTimeout(r, 100))]);
      if (index !== undefined) return index;
    }
    throw new Error(`the X key listener never received '${key}'`);
  }

  await mark('space');
  return {
    presses,
    mark,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
