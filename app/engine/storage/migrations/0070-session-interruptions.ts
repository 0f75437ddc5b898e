import type { Migration } from '../migrate';

/**
 * A live session cut off mid-exam (the engine killed, the machine off): how often the engine found it so, and
 * when last. The session's own record of the gap (its length, what was lost) is in its hash-chained events.
 */
const migration: Migration = {
  version: 70,
  name: 'session-interruptions',
  up(db) {
    db.exec(`
      ALTER TABLE sessions ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0 CHECK (interruptions >= 0);
      ALTER TABLE sessions ADD COLUMN interrupted_at TEXT;
      CREATE INDEX sessions_open_live ON sessions (status, source);
    `);
  },
};
export default migration;
