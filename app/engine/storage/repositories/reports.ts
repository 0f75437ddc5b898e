import type { Db } from '../db';
import { OutboxRepository } from './outbox';

export interface ReportSummary {
  id: number;
  sessionId: string;
  createdAt: string;
  studentId: string | null;
  examId: string | null;
  source: string;
  riskScore: number;
  riskLevel: string;
}

export interface StoredReport {
  readonly sessionId: string;
  readonly version: number;
  readonly risk: { score: number; level: string };
}

/** Reports as written by the session engine; the JSON is parsed by report/report.ts where it is read back. */
export class ReportsRepository {
  private readonly outbox: OutboxRepository;

  constructor(private readonly db: Db) {
    this.outbox = new OutboxRepository(db);
  }

  /** Stores a report; for a synced session it is queued for the server in the same transaction. */
  add(report: StoredReport & Record<string, unknown>, createdAt = new Date()): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO reports (session_id, created_at, version, risk_score, risk_level, report_json) VALUES (?, ?, ?, ?, ?, ?)')
        .run(report.sessionId, createdAt.toISOString(), report.version, report.risk.score, report.risk.level, JSON.stringify(report));
      const reportId = Number(info.lastInsertRowid);
      this.outbox.enqueueIfSynced('report', { reportId }, report.sessionId);
      return reportId;
    })();
  }

  list(filter: { studentId?: string; examId?: string } = {}): ReportSummary[] {
    return this.db
      .prepare(
        `SELECT r.id, r.session_id AS sessionId, r.created_at AS createdAt, s.student_id AS studentId, s.exam_id AS examId, s.source,
                r.risk_score AS riskScore, r.risk_level AS riskLevel
         FROM reports r JOIN sessions s ON s.id = r.session_id
         WHERE (@studentId IS NULL OR s.student_id = @studentId) AND (@examId IS NULL OR s.exam_id = @examId)
         ORDER BY r.id DESC`,
      )
      .all({ studentId: filter.studentId ?? null, examId: filter.examId ?? null }) as ReportSummary[];
  }

  /** The stored JSON, unparsed by schema: callers validate it with the Report schema. */
  getJson(id: number): unknown {
    const row = this.db.prepare('SELECT report_json FROM reports WHERE id = ?').get(id) as { report_json: string } | undefined;
    return row ? (JSON.parse(row.report_json) as unknown) : undefined;
  }
}
