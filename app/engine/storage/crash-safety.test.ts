import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './store';

const KILLS = Number(process.env.VIGIL_CRASH_KILLS ?? 60);
const writer = join(import.meta.dirname, 'crash-safety.writer.ts');

/** Runs the writer until a random moment after it is ready, SIGKILLs it, and returns the ids it printed. */
function runAndKill(dbPath: string, sessionId: string, delayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath, sessionId], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!timer && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited on its own: ${err}`));
      // Only complete lines count: the last one may have been cut by the kill.
      const lines = out.split('\n');
      lines.pop();
      resolve(lines.filter((l) => /^\d+$/.test(l)).map(Number));
    });
  });
}

describe('crash safety', () => {
  it(`keeps every committed event and a valid chain across ${KILLS} SIGKILLs at random moments`, async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'vigil-crash-')), 'vigil.db');
    const sessionId = 'crash-session';
    const printed: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      printed.push(...(await runAndKill(dbPath, sessionId, Math.floor(Math.random() * 120))));
      const store = openStore(dbPath);
      try {
        const verdict = store.events.verifyChain(sessionId);
        expect(verdict, `after kill ${kill + 1}`).toMatchObject({ ok: true });
        const present = new Set(store.events.list(sessionId).map((e) => e.id));
        const lost = printed.filter((id) => !present.has(id));
        expect(lost, `ids printed after commit but missing after kill ${kill + 1}`).toEqual([]);
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        store.close();
      }
    }
    expect(printed.length).toBeGreaterThan(KILLS);
  }, 600_000);
});
