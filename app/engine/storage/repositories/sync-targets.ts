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
  /** The exam config's SPKI sha256 pin of the server, or null: the client then talks only to that key. */
  readonly spkiPin: string | null;
}

export interface NewSyncTarget {
  readonly serverUrl: string;
  readonly examToken: string;
  readonly studentId: string;
  readonly spkiPin?: string | null;
}

const COLUMNS = 'session_id AS sessionId, server_url AS serverUrl, exam_token AS examToken, enrol_secret AS enrolSecret, student_id AS studentId, server_session_id AS serverSessionId, session_token AS sessionToken, last_seq AS lastSeq, spki_pin AS spkiPin';

export class SyncTargetsRepository {
  constructor(private readonly db: Db) {}

  /** Called inside the session's creating transaction (sessions.create with `sync`). */
  insert(sessionId: string, target: NewSyncTarget): void {
    this.db
      .prepare('INSERT INTO sync_targets (session_id, server_url, exam_token, enrol_secret, student_id, spki_pin) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, target.serverUrl.replace(/\/+$/, ''), target.examToken, randomBytes(32).toString('base64url'), target.studentId, target.spkiPin ?? null);
  }

  /** The pin any stored session holds for this server: once an exam pinned a server, nothing goes to it unpinned. */
  pinFor(serverUrl: string): string | null {
    const row = this.db.prepare('SELECT spki_pin AS pin FROM sync_targets WHERE server_url = ? AND spki_pin IS NOT NULL ORDER BY rowid DESC LIMIT 1').get(serverUrl.replace(/\/+$/, '')) as { pin: string } | undefined;
    return row?.pin ?? null;
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
