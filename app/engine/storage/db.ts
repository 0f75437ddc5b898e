/**
 * Opens Vigil's SQLite database: WAL for concurrent readers and crash safety, FULL sync because evidence
 * must survive a power cut as well as a killed process, and migrations brought up to date before use.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SchemaTooNewError, assertNotNewer, migrate } from './migrate';
import { migrations } from './migrations';

export type Db = Database.Database;

export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

export interface OpenOptions {
  /** Open without running migrations (for inspection); refused databases still throw. */
  readonly readonly?: boolean;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new StorageError(`${path}: cannot open database (${(error as Error).message})`);
  }
  try {
    // Reading the header first turns a corrupt or non-database file into one clear error, and the version
    // check comes before WAL (which rewrites the header) so a refused file is left byte-for-byte alone.
    db.pragma('schema_version');
    assertNotNewer(db, migrations);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StorageError) throw new StorageError(`${path}: ${error.message}`);
    if (error instanceof SchemaTooNewError) throw new StorageError(`${path}: ${error.message}`);
    throw new StorageError(`${path}: not a usable Vigil database (${(error as Error).message})`);
  }
}
