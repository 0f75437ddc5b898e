import { fork } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { engineStartEnv, superviseEngine } from '../engine/rpc/engine-supervisor';
import { TEST_ENGINE, whoami } from '../engine/rpc/test-engine';
import { utilityProcessTransport, type EngineUtilityProcess } from './utility-process-transport';

/**
 * STAND-IN for Electron's utilityProcess.fork (Electron's binary cannot run here): a real Node child process seen
 * through the same UtilityProcessPort the Electron adapter (app/adapters/engine-utility-process.ts) gives the
 * transport, with Electron's exit semantics (one `exit` with a code).
 */
function standInUtilityProcess(env: NodeJS.ProcessEnv): EngineUtilityProcess {
  const node = fork(TEST_ENGINE, [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  return utilityProcessTransport({
    postMessage: (message) => void (node.connected && node.send(message as object)),
    onMessage: (listener) => void node.on('message', listener),
    onExit: (listener) => void node.on('exit', (code, signal) => listener(code ?? (signal ? -1 : 0))),
    kill: () => void node.kill(),
  });
}

describe("Electron's engine under the shells' one supervisor", () => {
  it("restarts Electron's engine through the utility-process transport, handing the shell each new engine (for its frame port)", async () => {
    const started: { transport: EngineUtilityProcess; restarted: boolean }[] = [];
    const statuses: string[] = [];
    const engine = superviseEngine((restarted) => standInUtilityProcess(engineStartEnv(process.env, restarted)), { onStart: (transport, restarted) => started.push({ transport, restarted }) });
    engine.onEvent((event, payload) => event === 'engine.status' && statuses.push((payload as { status: string }).status));
    try {
      const first = await whoami(engine);
      expect(first.restarted).toBe(false);
      expect(started.map((s) => s.restarted)).toEqual([false]);
      const dead = engine.current();
      process.kill(first.pid, 'SIGKILL');
      const second = await whoami(engine);
      expect(second).toMatchObject({ restarted: true });
      expect(second.pid).not.toBe(first.pid);
      expect(statuses).toEqual(['restarting']);
      expect(started.map((s) => s.restarted)).toEqual([false, true]);
      expect(engine.current()).toBe(started[1]!.transport);
      // The dead engine's transport takes nothing more, without throwing at the shell.
      expect(engine.current()).not.toBe(dead);
      expect(() => dead.send({ kind: 'event', event: 'x', payload: null })).not.toThrow();
      // Closing is not a crash: no restart.
      engine.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(engine.starts).toBe(2);
      await expect(engine.call('whoami', {})).rejects.toMatchObject({ code: 'engine_down' });
    } finally {
      engine.close();
    }
  }, 60_000);
});
