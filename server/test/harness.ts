/**
 * The server suite runs the same specs on both databases: PGlite (the embedded default) and a real PostgreSQL
 * cluster started for the test file. `eachDatabase` gives each `describe` block a fresh database and server home.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { buildServer, type ServerOptions, type VigilServer } from '../app';
import { openServerDb, type DatabaseKind, type ServerDb } from '../store/db';
import { createExam, createUser } from '../store/exams';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

export const DATABASES: DatabaseKind[] = ['pglite', 'postgres'];

let cluster: Promise<PostgresCluster> | null = null;
let counter = 0;

/** One cluster per test file, started on first use and stopped when the file ends. */
function sharedCluster(): Promise<PostgresCluster> {
  cluster ??= startPostgresCluster();
  return cluster;
}

// Registered when a spec file imports the harness (collection time): a hook added later, from inside another
// hook, would never run and would leave the cluster behind.
afterAll(async () => {
  const started = cluster;
  cluster = null;
  if (started) (await started).stop();
});

export interface TestDatabase {
  readonly home: string;
  readonly db: ServerDb;
  readonly databaseUrl: string | null;
  dispose(): Promise<void>;
}

export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const home = mkdtempSync(join(tmpdir(), `vigil-server-${kind}-`));
  const databaseUrl = kind === 'postgres' ? await (await sharedCluster()).createDatabase(`vigil_${process.pid}_${++counter}`) : null;
  const db = await openServerDb({ home, databaseUrl });
  return {
    home,
    db,
    databaseUrl,
    async dispose() {
      await db.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface TestServer extends VigilServer {
  readonly home: string;
  readonly databaseUrl: string | null;
  readonly examId: string;
  readonly examToken: string;
  /** Signs in and returns the cookie header and CSRF token to send with staff requests. */
  login(role: 'admin' | 'invigilator' | 'reviewer'): Promise<{ cookie: string; csrf: string; userId: string }>;
  dispose(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';

export async function startTestServer(kind: DatabaseKind, extra: Partial<ServerOptions> = {}): Promise<TestServer> {
  const t = await openTestDatabase(kind);
  const server = await buildServer({ home: t.home, db: t.db, ...extra });
  const users: Record<string, string> = {};
  for (const role of ['admin', 'invigilator', 'reviewer'] as const) users[role] = await createUser(t.db.db, `${role}@example.org`, PASSWORD, role);
  const { examId, enrolmentToken } = await createExam(t.db.db, { name: 'Algebra 1' });
  writeFileSync(join(t.home, 'password'), PASSWORD);
  return {
    ...server,
    home: t.home,
    databaseUrl: t.databaseUrl,
    examId,
    examToken: enrolmentToken,
    async login(role) {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `${role}@example.org`, password: PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login ${role}: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      return { cookie, csrf: (res.json() as { csrfToken: string }).csrfToken, userId: users[role]! };
    },
    async dispose() {
      await server.close();
      await t.dispose();
    },
  };
}
