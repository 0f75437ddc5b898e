import type { Migration } from '../migrate';

/** Evidence clips kept for flagged moments, with their sha256 so tampering or corruption is detectable. */
const migration: Migration = {
  version: 30,
  name: 'segments',
  up(db) {
    db.exec(`
      CREATE TABLE segments (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        start      REAL NOT NULL,
        end        REAL NOT NULL CHECK (end >= start),
        reason     TEXT NOT NULL,
        mime       TEXT NOT NULL,
        bytes      BLOB NOT NULL,
        size       INTEGER NOT NULL,
        sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX segments_by_session ON segments (session_id, start);
    `);
  },
};
export default migration;
