import type { Migration } from '../migrate';

/** Sessions, and their append-only, hash-chained event log. */
const migration: Migration = {
  version: 10,
  name: 'sessions-and-events',
  up(db) {
    db.exec(`
      CREATE TABLE sessions (
        id          TEXT PRIMARY KEY,
        student_id  TEXT,
        exam_id     TEXT,
        source      TEXT NOT NULL,           -- 'live' or the analysed file's path
        policy_json TEXT NOT NULL DEFAULT '{}',
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finished', 'aborted')),
        started_at  TEXT NOT NULL,
        ended_at    TEXT
      ) STRICT;
      CREATE INDEX sessions_by_student ON sessions (student_id, exam_id);

      CREATE TABLE events (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        t          REAL NOT NULL,             -- seconds on the session clock
        type       TEXT NOT NULL,
        payload    TEXT NOT NULL,             -- canonical JSON
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE INDEX events_by_session ON events (session_id, id);

      -- Append-only: evidence may not be rewritten after the fact, not even by Vigil itself.
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `);
  },
};
export default migration;
