/** Every migration, in order, one file each, numbered in tens; the same Postgres SQL runs on PGlite and PostgreSQL. */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0010 from './0010-initial';
import * as m0020 from './0020-analysis-jobs';
import * as m0030 from './0030-reviews';
import * as m0040 from './0040-hot-path-indexes';
import * as m0050 from './0050-job-reports';

const all: Record<string, Migration> = { '0010-initial': m0010, '0020-analysis-jobs': m0020, '0030-reviews': m0030, '0040-hot-path-indexes': m0040, '0050-job-reports': m0050 };

export const migrationProvider: MigrationProvider = { getMigrations: () => Promise.resolve(all) };
