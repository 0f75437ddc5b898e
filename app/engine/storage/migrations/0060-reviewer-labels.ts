import type { Migration } from '../migrate';

/** A reviewer's verdict on a stretch of a session (cheating or not): the labels institutions retrain on. */
const migration: Migration = {
  version: 60,
  name: 'reviewer-labels',
  up(db) {
    db.exec(`
      CREATE TABLE reviewer_labels (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions (id),
        start       REAL NOT NULL,            -- seconds on the session clock
        end         REAL NOT NULL CHECK (end >= start),
        is_cheating INTEGER NOT NULL CHECK (is_cheating IN (0, 1)),
        reviewer    TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX reviewer_labels_by_session ON reviewer_labels (session_id, start);
    `);
  },
};
export default migration;
