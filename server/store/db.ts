/**
 * Opens the server's database: PGlite in VIGIL_SERVER_HOME by default (nothing to install), PostgreSQL through
 * node-postgres when DATABASE_URL is set. Same Kysely API and the same migrations either way.
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrationProvider } from './migrations';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './schema';

export type DatabaseKind = 'pglite' | 'postgres';

export interface ServerDb {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** The connection string for PostgreSQL (LISTEN/NOTIFY opens its own client); null on PGlite. */
  readonly url: string | null;
  close(): Promise<void>;
}

export interface DbOptions {
  readonly databaseUrl?: string | null;
  /** Server home; PGlite keeps its files in `<home>/pgdata`. */
  readonly home: string;
  readonly poolSize?: number;
}

export async function openServerDb(options: DbOptions): Promise<ServerDb> {
  let db: Kysely<Database>;
  let kind: DatabaseKind;
  if (options.databaseUrl) {
    kind = 'postgres';
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    kind = 'pglite';
    const dataDir = join(options.home, 'pgdata');
    mkdirSync(dataDir, { recursive: true });
    db = new Kysely<Database>({ dialect: new PGliteDialect(new PGlite(dataDir)) });
  }
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, kind, url: options.databaseUrl ?? null, close: () => db.destroy() };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  // The migrator takes a PostgreSQL advisory lock, so two processes starting together migrate once.
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`);
  }
}
