import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { latestVersion } from './migrate';
import { migrations } from './migrations';

const tempDir = () => mkdtempSync(join(tmpdir(), 'vigil-db-'));

describe('openDatabase', () => {
  it('opens a new file in WAL mode with FULL sync at the latest schema version', () => {
    const db = openDatabase(join(tempDir(), 'nested', 'vigil.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion(migrations));
    db.close();
  });

  it('refuses a database from a newer Vigil and leaves it untouched', () => {
    const path = join(tempDir(), 'future.db');
    const raw = new Database(path);
    raw.pragma('user_version = 9990');
    raw.exec('CREATE TABLE precious (x)');
    raw.close();
    const before = readFileSync(path);
    expect(() => openDatabase(path)).toThrow(/future\.db: database schema version 9990 is newer than this Vigil supports/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('rejects a file that is not a database with one line naming the file', () => {
    const path = join(tempDir(), 'notes.db');
    writeFileSync(path, 'these are my notes, not a database'.repeat(200));
    expect(() => openDatabase(path)).toThrow(/notes\.db: not a usable Vigil database/);
    expect(readFileSync(path, 'utf8')).toContain('these are my notes');
  });

  it('rolls back a failing migration whole, keeping the previous version', () => {
    const path = join(tempDir(), 'half.db');
    openDatabase(path).close();
    const db = new Database(path);
    const broken = [...migrations, { version: 9000, name: 'broken', up: (d: Database.Database) => { d.exec('CREATE TABLE half (x)'); throw new Error('boom'); } }];
    // Imported lazily to exercise the same function the opener uses.
    return import('./migrate').then(({ migrate }) => {
      expect(() => migrate(db, broken)).toThrow('boom');
      expect(db.pragma('user_version', { simple: true })).toBe(latestVersion(migrations));
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    });
  });
});
