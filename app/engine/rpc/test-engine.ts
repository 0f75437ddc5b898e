/** Test fixture (not shipped: only tests import it): a small engine process (test-engine.child.ts) and the call that asks which one is running. */
import { fileURLToPath } from 'node:url';
import type { SupervisedEngine } from './engine-supervisor';
import type { Transport } from './protocol';

/** Start with `--import tsx` and an IPC channel; answers `whoami`. */
export const TEST_ENGINE = fileURLToPath(new URL('./test-engine.child.ts', import.meta.url));

export type Who = { pid: number; restarted: boolean };

/** Calls until an engine answers (one is starting after a kill), or gives up after `ms`. */
export async function whoami(engine: SupervisedEngine<Transport>, ms = 15_000): Promise<Who> {
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
