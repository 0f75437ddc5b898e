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

/** VIGIL_EVIDENCE_DIR: the evidence folder, shared by every server process on one database (default `<home>/evidence`). */
export function evidenceDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.VIGIL_EVIDENCE_DIR ? resolve(env.VIGIL_EVIDENCE_DIR) : undefined;
}
