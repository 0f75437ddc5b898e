import type { Migration } from '../migrate';

/** Per-frame features: the columns rules and charts query directly, the full versioned row as JSON. */
const migration: Migration = {
  version: 20,
  name: 'frame-features',
  up(db) {
    db.exec(`
      CREATE TABLE frame_features (
        session_id     TEXT NOT NULL REFERENCES sessions (id),
        frame_index    INTEGER NOT NULL,
        t              REAL NOT NULL,
        schema_version INTEGER NOT NULL,
        face_count     INTEGER,
        yaw            REAL,
        pitch          REAL,
        roll           REAL,
        gaze_h         REAL,
        gaze_v         REAL,
        gaze_zone      TEXT,
        data           TEXT NOT NULL,          -- the whole feature row, JSON
        PRIMARY KEY (session_id, frame_index)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
export default migration;
