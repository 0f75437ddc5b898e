/** Where Vigil keeps its data, finds its models, and looks for the evaluation data sets. One setting each. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Vigil's package.json, found by walking up from this module (source or bundle). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'vigil') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find Vigil's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** VIGIL_HOME, else the platform's per-user application data folder. */
export function vigilHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIGIL_HOME) return resolve(env.VIGIL_HOME);
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Vigil');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Vigil');
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'vigil');
  }
}

export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIL_DB ? resolve(env.VIGIL_DB) : join(vigilHome(env), 'vigil.db');
}

/** VIGIL_MODELS_DIR, else models/ in the project (build output of `npm run models`). */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIL_MODELS_DIR ? resolve(env.VIGIL_MODELS_DIR) : join(projectRoot(), 'models');
}

/** The evaluation data sets: VIGIL_DATA_DIR, else ../shared/data beside the project. Never needed by tests. */
export function dataSetDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIL_DATA_DIR ? resolve(env.VIGIL_DATA_DIR) : resolve(projectRoot(), '..', 'shared', 'data');
}

export function engineVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
