import { describe, expect, it } from 'vitest';
import type { SignalEvent } from '../signals/events';
import { engineStartEnv, superviseEngine } from './engine-supervisor';
import { forkEngine } from './node-process';
import { deliverSignals } from './signal-delivery';
import { TEST_ENGINE, whoami } from './test-engine';

const signal = (t: number): SignalEvent => ({ type: 'clock_changed', t, jumpSec: 3600, evidence: {} });

describe('OS signals delivered to the engine', () => {
  it('keeps every signal, in order, while the engine is killed and started again', async () => {
    const engine = superviseEngine((restarted) => forkEngine(TEST_ENGINE, { execArgv: ['--import', 'tsx'], env: engineStartEnv(process.env, restarted) }));
    const taken = async () => (await engine.call('signals', {})) as { pid: number; signals: SignalEvent[] };
    const delivery = deliverSignals(engine, 'session-1', { resendMs: 100 });
    try {
      const first = await whoami(engine);
      delivery.push(signal(1));
      delivery.push(signal(2));
      await expect.poll(async () => (await taken()).signals.map((s) => s.t), { timeout: 10_000 }).toEqual([1, 2]);

      process.kill(first.pid, 'SIGKILL');
      // Pushed while the engine is down (or not yet up): they wait, and reach the next engine in order.
      for (const t of [3, 4, 5]) delivery.push(signal(t));
      await expect.poll(async () => (await taken().catch(() => ({ pid: 0, signals: [] }))).signals.map((s) => s.t), { timeout: 20_000, interval: 200 }).toEqual([3, 4, 5]);
      expect((await taken()).pid).not.toBe(first.pid);
      expect(delivery.pending()).toBe(0);

      // After the session is over nothing more is sent.
      delivery.stop();
      delivery.push(signal(6));
      await new Promise((r) => setTimeout(r, 300));
      expect((await taken()).signals.map((s) => s.t)).toEqual([3, 4, 5]);
    } finally {
      delivery.stop();
      engine.close();
    }
  }, 60_000);
});
