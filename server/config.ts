/** Where the server keeps its data: VIGIL_SERVER_HOME, else the platform's per-user data folder; DATABASE_URL for PostgreSQL. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function serverHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIGIL_SERVER_HOME) return resolve(env.VIGIL_SERVER_HOME);
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'vigil-server');
}

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.DATABASE_URL || null;
}
