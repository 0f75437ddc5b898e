import type { Migration } from '../migrate';

/** What waits to be sent to the institution's server; rows leave only when the server acknowledges them. */
const migration: Migration = {
  version: 40,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL,
        session_id      TEXT REFERENCES sessions (id),
        payload         TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        sent_at         TEXT
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);
    `);
  },
};
export default migration;
