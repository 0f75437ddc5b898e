import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forkEngine } from '../engine/rpc/node-process';
import { MAX_RESTARTS, superviseEngine } from './engine-supervisor';

const child = fileURLToPath(new URL('./engine-supervisor.child.ts', import.meta.url));
type Who = { pid: number; restarted: boolean };

/** Calls until an engine answers (one is starting after a kill), or gives up after `ms`. */
async function whoami(engine: ReturnType<typeof superviseEngine>, ms = 15_000): Promise<Who> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return (await engine.call('whoami', {})) as Who;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('the engine supervisor', () => {
  it('starts a killed engine again, telling it so, and gives up on a crash loop with the engine reported down', async () => {
    const statuses: string[] = [];
    const engine = superviseEngine((restarted) => forkEngine(child, { execArgv: ['--import', 'tsx'], env: restarted ? { ...process.env, VIGIL_ENGINE_RESTART: '1' } : process.env }));
    engine.onEvent((event, payload) => event === 'engine.status' && statuses.push((payload as { status: string }).status));
    try {
      const first = await whoami(engine);
      expect(first.restarted).toBe(false);
      process.kill(first.pid, 'SIGKILL');
      const second = await whoami(engine);
      expect(second).toMatchObject({ restarted: true });
      expect(second.pid).not.toBe(first.pid);
      // Keep killing: after MAX_RESTARTS within a minute the shell stops restarting.
      let pid = second.pid;
      for (let i = 1; i <= MAX_RESTARTS; i += 1) {
        process.kill(pid, 'SIGKILL');
        if (i === MAX_RESTARTS) break;
        pid = (await whoami(engine)).pid;
      }
      await expect.poll(() => statuses.at(-1), { timeout: 10_000 }).toBe('down');
      await expect(engine.call('whoami', {})).rejects.toMatchObject({ code: 'engine_down' });
      expect(engine.starts).toBe(MAX_RESTARTS + 1);
      expect(statuses.filter((s) => s === 'restarting')).toHaveLength(MAX_RESTARTS);
    } finally {
      engine.close();
    }
  }, 120_000);
});
