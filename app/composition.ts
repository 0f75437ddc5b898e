/**
 * The composition root: the one place that wires the Electron shell together. Read top to bottom, it is the
 * start-up specification of the desktop app.
 */
import { app, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { startEngineUtilityProcess } from './adapters/engine-utility-process';
import { createRpcClient } from './engine/rpc/client';
import { routeIpc } from './ipc/electron-router';
import { registerAppScheme, serveRenderer } from './shell/protocol';
import { applySecurityPolicy } from './shell/security';
import { createMainWindow } from './shell/window';

export interface CompositionOptions {
  /** The folder holding main.mjs, preload.cjs, engine.mjs and renderer/. */
  readonly distDir: string;
  readonly development: boolean;
}

/** Runs before 'ready': what Electron needs to know before it starts. */
export function prepare(): void {
  registerAppScheme();
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) app.quit();
}

export async function compose(options: CompositionOptions): Promise<void> {
  await app.whenReady();

  // 1. Security rules apply to every web contents created from here on.
  applySecurityPolicy();

  // 2. The renderer is served from the app's own origin, never file://.
  serveRenderer(join(options.distDir, 'renderer'));

  // 3. The engine runs out of the main process, in a utilityProcess; the shell only routes to it.
  const transport = startEngineUtilityProcess(join(options.distDir, 'engine.mjs'), { ...process.env, VIGIL_HOME: process.env.VIGIL_HOME ?? app.getPath('userData') });
  const engine = createRpcClient(transport);

  // 4. One window; IPC is accepted only from it.
  let window: BrowserWindow | undefined = createMainWindow({ preload: join(options.distDir, 'preload.cjs'), devTools: options.development });
  window.on('closed', () => (window = undefined));
  const unroute = routeIpc(engine, () => window?.webContents);

  // 5. Quitting stops the engine after the window is gone.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    unroute();
    transport.close();
  });
}
