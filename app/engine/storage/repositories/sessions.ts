import { randomUUID } from 'node:crypto';
import type { Db } from '../db';

export interface SessionRow {
  readonly id: string;
  readonly studentId: string | null;
  readonly examId: string | null;
  readonly source: string;
  readonly policy: unknown;
  readonly status: 'open' | 'finished' | 'aborted';
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** How often the engine found this live session cut off mid-exam, and when last. */
  readonly interruptions: number;
  readonly interruptedAt: string | null;
}

interface RawSession {
  id: string;
  student_id: string | null;
  exam_id: string | null;
  source: string;
  policy_json: string;
  status: SessionRow['status'];
  started_at: string;
  ended_at: string | null;
  interruptions: number;
  interrupted_at: string | null;
}

function toRow(raw: RawSession): SessionRow {
  return {
    id: raw.id,
    studentId: raw.student_id,
    examId: raw.exam_id,
    source: raw.source,
    policy: JSON.parse(raw.policy_json) as unknown,
    status: raw.status,
    startedAt: raw.started_at,
    endedAt: raw.ended_at,
    interruptions: raw.interruptions,
    interruptedAt: raw.interrupted_at,
  };
}

export interface NewSession {
  readonly studentId?: string | null;
  readonly examId?: string | null;
  readonly source: string;
  readonly policy?: unknown;
  readonly id?: string;
  readonly startedAt?: Date;
}

export class SessionsRepository {
  constructor(private readonly db: Db) {}

  create(input: NewSession): SessionRow {
    const id = input.id ?? randomUUID();
    this.db
      .prepare('INSERT INTO sessions (id, student_id, exam_id, source, policy_json, started_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, input.studentId ?? null, input.examId ?? null, input.source, JSON.stringify(input.policy ?? {}), (input.startedAt ?? new Date()).toISOString());
    return this.get(id)!;
  }

  get(id: string): SessionRow | undefined {
    const raw = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as RawSession | undefined;
    return raw && toRow(raw);
  }

  finish(id: string, status: 'finished' | 'aborted' = 'finished', at = new Date()): void {
    const info = this.db.prepare("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status = 'open'").run(status, at.toISOString(), id);
    if (info.changes !== 1) throw new Error(`session ${id} is not open`);
  }

  /** Marks an open session as found cut off (the engine that ran it stopped without finishing it). */
  markInterrupted(id: string, at = new Date()): void {
    const info = this.db.prepare("UPDATE sessions SET interruptions = interruptions + 1, interrupted_at = ? WHERE id = ? AND status = 'open'").run(at.toISOString(), id);
    if (info.changes !== 1) throw new Error(`session ${id} is not open`);
  }

  /** Live sessions no engine finished: after a crash, the ones to mark interrupted and resume or close. */
  openLive(): SessionRow[] {
    return (this.db.prepare("SELECT * FROM sessions WHERE status = 'open' AND source = 'live' ORDER BY started_at").all() as RawSession[]).map(toRow);
  }

  list(filter: { studentId?: string; examId?: string } = {}): SessionRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM sessions
         WHERE (@studentId IS NULL OR student_id = @studentId) AND (@examId IS NULL OR exam_id = @examId)
         ORDER BY started_at DESC`,
      )
      .all({ studentId: filter.studentId ?? null, examId: filter.examId ?? null }) as RawSession[];
    return rows.map(toRow);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  }
}
