/** Every migration, in order, one file each, numbered in tens; the same Postgres SQL runs on PGlite and PostgreSQL. */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0010 from './0010-initial';

const all: Record<string, Migration> = { '0010-initial': m0010 };

export const migrationProvider: MigrationProvider = { getMigrations: () => Promise.resolve(all) };
