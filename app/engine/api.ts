/**
 * The engine's API: what a shell may ask of it. Method names match the IPC contract's channels; app/ipc
 * checks at compile time that each result fits the contract's schema.
 */
import { runChecks, type CheckResult } from './doctor/checks';
import { createLiveEngine, type LiveApi } from './live/live-api';
import { engineVersion } from './paths';
import type { Store } from './storage/store';

export type EngineHost = 'electron-utility' | 'node';

export interface EngineHealthReport {
  status: 'ok' | 'degraded' | 'down';
  engineVersion: string;
  contractVersion: number;
  pid: number;
  uptimeSec: number;
  runtime: { node: string; platform: string; arch: string; host: EngineHost };
  storage: { path: string; schemaVersion: number; journalMode: string; sessions: number };
  checks: { id: string; status: 'ok' | 'warn' | 'fail'; summary: string }[];
}

export interface EngineApi extends LiveApi {
  'engine.health'(params: Record<string, never>): Promise<EngineHealthReport>;
  'engine.ping'(params: { nonce: string }): Promise<{ nonce: string; receivedAt: number }>;
}

/** Bumped with every breaking change to the engine's wire API. */
export const ENGINE_API_VERSION = 1;

export interface EngineDeps {
  readonly store: Store;
  readonly host: EngineHost;
  readonly startedAt: number;
  readonly env: NodeJS.ProcessEnv;
}

/** The API, and the engine's start-up work on live sessions a stopped engine left open (live-api.ts). */
export function createEngine(deps: EngineDeps): { api: EngineApi; recover(options: { restarted: boolean }): Promise<string[]> } {
  const live = createLiveEngine({ store: deps.store, env: deps.env, shell: deps.host === 'electron-utility' ? 'electron' : 'browser', host: deps.host });
  return { api: createEngineApi(deps, live.api), recover: live.recover };
}

export function createEngineApi(deps: EngineDeps, live: LiveApi): EngineApi {
  const version = engineVersion();
  return {
    ...live,
    async 'engine.health'() {
      const checks: CheckResult[] = await runChecks(undefined, deps.env);
      const worst = checks.some((c) => c.status === 'fail') ? 'degraded' : 'ok';
      return {
        status: worst,
        engineVersion: version,
        contractVersion: ENGINE_API_VERSION,
        pid: process.pid,
        uptimeSec: (Date.now() - deps.startedAt) / 1000,
        runtime: { node: process.versions.node, platform: process.platform, arch: process.arch, host: deps.host },
        storage: {
          path: deps.store.path,
          schemaVersion: deps.store.db.pragma('user_version', { simple: true }) as number,
          journalMode: deps.store.db.pragma('journal_mode', { simple: true }) as string,
          sessions: deps.store.sessions.count(),
        },
        checks: checks.map(({ id, status, summary }) => ({ id, status, summary })),
      };
    },
    async 'engine.ping'({ nonce }) {
      return { nonce, receivedAt: Date.now() };
    },
  };
}
