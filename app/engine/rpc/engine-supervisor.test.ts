import { describe, expect, it } from 'vitest';
import { engineStartEnv, MAX_RESTARTS, RESTART_ENV, superviseEngine } from './engine-supervisor';
import { forkEngine } from './node-process';
import { TEST_ENGINE, whoami } from './test-engine';

describe('the engine supervisor, one for both shells', () => {
  it('starts a killed engine again, telling it so, and gives up on a crash loop with the engine reported down', async () => {
    const statuses: string[] = [];
    // A shell started with the restart mark set must not pass it to its first engine.
    const base = { ...process.env, [RESTART_ENV]: '1' };
    const engine = superviseEngine((restarted) => forkEngine(TEST_ENGINE, { execArgv: ['--import', 'tsx'], env: engineStartEnv(base, restarted) }));
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
