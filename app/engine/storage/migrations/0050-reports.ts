import type { Migration } from '../migrate';

/** Analysis reports, one per finished analysis, listable by student and exam. */
const migration: Migration = {
  version: 50,
  name: 'reports',
  up(db) {
    db.exec(`
      CREATE TABLE reports (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions (id),
        created_at  TEXT NOT NULL,
        version     INTEGER NOT NULL,
        risk_score  REAL NOT NULL CHECK (risk_score BETWEEN 0 AND 1),
        risk_level  TEXT NOT NULL CHECK (risk_level IN ('CLEAN', 'BORDERLINE', 'SUSPICIOUS', 'HIGH_RISK')),
        report_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX reports_by_session ON reports (session_id);
    `);
  },
};
export default migration;
