import type { Db } from '../db';

/** The columns stored beside the JSON row; everything else of a feature row lives in `data`. */
export interface StoredFrameFeatures {
  readonly frameIndex: number;
  readonly t: number;
  readonly schemaVersion: number;
  readonly faceCount: number | null;
  readonly yaw: number | null;
  readonly pitch: number | null;
  readonly roll: number | null;
  readonly gazeH: number | null;
  readonly gazeV: number | null;
  readonly gazeZone: string | null;
  readonly data: Record<string, unknown>;
}

interface RawFrame {
  frame_index: number;
  t: number;
  schema_version: number;
  face_count: number | null;
  yaw: number | null;
  pitch: number | null;
  roll: number | null;
  gaze_h: number | null;
  gaze_v: number | null;
  gaze_zone: string | null;
  data: string;
}

export class FrameFeaturesRepository {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO frame_features (session_id, frame_index, t, schema_version, face_count, yaw, pitch, roll, gaze_h, gaze_v, gaze_zone, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Inserts many rows in one transaction: a crash keeps all of a batch or none of it. */
  insertMany(sessionId: string, rows: readonly StoredFrameFeatures[]): void {
    this.db.transaction(() => {
      for (const r of rows) {
        this.insert.run(sessionId, r.frameIndex, r.t, r.schemaVersion, r.faceCount, r.yaw, r.pitch, r.roll, r.gazeH, r.gazeV, r.gazeZone, JSON.stringify(r.data));
      }
    })();
  }

  list(sessionId: string): StoredFrameFeatures[] {
    const rows = this.db.prepare('SELECT * FROM frame_features WHERE session_id = ? ORDER BY frame_index').all(sessionId) as RawFrame[];
    return rows.map((r) => ({
      frameIndex: r.frame_index,
      t: r.t,
      schemaVersion: r.schema_version,
      faceCount: r.face_count,
      yaw: r.yaw,
      pitch: r.pitch,
      roll: r.roll,
      gazeH: r.gaze_h,
      gazeV: r.gaze_v,
      gazeZone: r.gaze_zone,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }
}
