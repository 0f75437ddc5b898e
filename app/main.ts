/** Electron main entry: everything it does is in composition.ts. */
import { app } from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compose, prepare } from './composition';

prepare();
compose({ distDir: dirname(fileURLToPath(import.meta.url)), development: !app.isPackaged && process.env.VIGIL_DEVTOOLS === '1' }).catch((error: unknown) => {
  process.stderr.write(`vigil: cannot start: ${(error as Error).message}\n`);
  app.exit(1);
});
