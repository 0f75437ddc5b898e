import { randomBytes } from 'node:crypto';
import type { Db } from '../db';

/** Where one session syncs to, and what enrolment gave back. */
export interface SyncTarget {
  readonly sessionId: string;
  readonly serverUrl: string;
  readonly examToken: string;
  readonly enrolSecret: string;
  readonly studentId: string;
  readonly serverSessionId: string | null;
  readonly sessionToken: string | null;
  readonly lastSeq: number;
}

export interface NewSyncTarget {
  readonly serverUrl: string;
  readonly examToken: string;
  readonly studentId: string;
}

const COLUMNS = 'session_id AS sessionId, server_url AS serverUrl, exam_token AS examToken, enrol_secret AS enrolSecret, student_id AS studentId, server_session_id AS serverSessionId, session_token AS sessionToken, last_seq AS lastSeq';

export class SyncTargetsRepository {
  constructor(private readonly db: Db) {}

  /** Called inside the session's creating transaction (sessions.create with `sync`). */
  insert(sessionId: string, target: NewSyncTarget): void {
    this.db
      .prepare('INSERT INTO sync_targets (session_id, server_url, exam_token, enrol_secret, student_id) VALUES (?, ?, ?, ?, ?)')
      .run(sessionId, target.serverUrl.replace(/\/+$/, ''), target.examToken, randomBytes(32).toString('base64url'), target.studentId);
  }

  get(sessionId: string): SyncTarget | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM sync_targets WHERE session_id = ?`).get(sessionId) as SyncTarget | undefined;
  }

  enrolled(sessionId: string, serverSessionId: string, sessionToken: string): void {
    this.db.prepare('UPDATE sync_targets SET server_session_id = ?, session_token = ? WHERE session_id = ?').run(serverSessionId, sessionToken, sessionId);
  }

  /**
   * The chain's head as the server will number it: the last protocol seq and that event's hash, read in one
   * statement so the two always belong together.
   */
  chainHead(sessionId: string): { seq: number; hash: string } | undefined {
    const row = this.db
      .prepare('SELECT t.last_seq AS seq, (SELECT hash FROM events WHERE session_id = t.session_id ORDER BY id DESC LIMIT 1) AS hash FROM sync_targets t WHERE t.session_id = ?')
      .get(sessionId) as { seq: number; hash: string | null } | undefined;
    return row && { seq: row.seq, hash: row.hash ?? '' };
  }
}
