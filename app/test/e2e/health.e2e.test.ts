import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { describe, expect } from 'vitest';
import { migrations } from '../../engine/storage/migrations';
import { projectRoot, shellKind, test } from './fixtures';
import { killEngineForGood } from './steps';

/** The newest migration's number: a fresh store is at that schema version. */
const schemaVersion = migrations.at(-1)!.version;
const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('engine health and the contract, end to end', () => {
  test("shows the engine's health read over the contract from the real engine process", async ({ app }) => {
    const { page } = app;
    await app.open('#/health');
    await page.getByTestId('engine-status').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('engine-version').textContent()).toBe(version);
    expect(await page.getByTestId('engine-storage').textContent()).toBe(`schema v${schemaVersion}, wal, 0 session(s)`);
    expect(await page.locator('[data-check="sqlite"] td').nth(1).textContent()).toContain('ok');
    expect(await page.getByRole('heading', { name: 'System checks' }).isVisible()).toBe(true);
  });

  test('says the engine is down, in words, when its process keeps dying', async ({ app, skip }) => {
    skip(shellKind !== 'browser', "the browser shell restarts its engine; killing Electron's utilityProcess is left to its own spec");
    const { page } = app;
    await app.open('#/health');
    await page.getByTestId('engine-status').waitFor({ timeout: 30_000 });
    // The shell starts a killed engine again; one that keeps dying is given up and reported down.
    expect(await killEngineForGood(page)).toBeGreaterThan(5);
    await page.getByRole('button', { name: 'Check again' }).click();
    const error = page.getByTestId('engine-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toMatch(/engine_down/);
  });

  test('rejects a request that breaks the contract with a message naming the field', async ({ app: { page } }) => {
    const message = await page.evaluate(async () => {
      try {
        await (window.vigil!.invoke as (c: string, r: unknown) => Promise<unknown>)('engine.ping', { nonce: 42 });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(message).toMatch(/^bad_request: engine\.ping: nonce: /);
  });

  test('refuses a WebSocket from another origin', async ({ launch, skip }) => {
    skip(shellKind !== 'browser', 'only the browser shell carries the contract over a WebSocket; Electron uses IPC, whose sender check is app/ipc/electron-router.ts');
    const app = await launch();
    const socketUrl = app.origin.replace('http:', 'ws:') + '__vigil/ipc';
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(socketUrl, { headers: { Origin: 'http://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });
});
