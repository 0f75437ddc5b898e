/**
 * Runs numbered migrations, each in its own transaction that also sets user_version, so a crash leaves the
 * database at exactly one version. A database written by a newer Vigil is refused rather than guessed at.
 */
import type { Db } from './db';

export interface Migration {
  /** Numbered in tens (10, 20, ...) so a fix can slot in between. */
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

export class SchemaTooNewError extends Error {
  constructor(current: number, latest: number) {
    super(`database schema version ${current} is newer than this Vigil supports (${latest}); update Vigil, nothing was changed`);
    this.name = 'SchemaTooNewError';
  }
}

export function assertNotNewer(db: Db, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  if (current > latest) throw new SchemaTooNewError(current, latest);
  return current;
}

export function migrate(db: Db, migrations: readonly Migration[], target = latestVersion(migrations)): number {
  const current = assertNotNewer(db, migrations);
  const pending = [...migrations].filter((m) => m.version > current && m.version <= target).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
