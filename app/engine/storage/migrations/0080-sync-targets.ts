import type { Migration } from '../migrate';

/**
 * Where a session is synced: the server, the exam's enrolment token, the secret that lets this client re-enrol the
 * same session, and once enrolled the server's session id and token. A session with a row here gets an outbox row
 * for everything stored for it, in the same transaction (repositories/outbox.ts: enqueueIfSynced).
 */
const migration: Migration = {
  version: 80,
  name: 'sync-targets',
  up(db) {
    db.exec(`
      CREATE TABLE sync_targets (
        session_id        TEXT PRIMARY KEY REFERENCES sessions (id),
        server_url        TEXT NOT NULL,
        exam_token        TEXT NOT NULL,
        enrol_secret      TEXT NOT NULL,
        student_id        TEXT NOT NULL,
        server_session_id TEXT,
        session_token     TEXT,
        last_seq          INTEGER NOT NULL DEFAULT 0   -- events numbered so far (the protocol's seq)
      ) STRICT;
      CREATE INDEX outbox_by_session ON outbox (session_id, id) WHERE sent_at IS NULL;
    `);
  },
};
export default migration;
