/**
 * Retention: per exam, evidence clips and reports older than the exam's `retention_days` are deleted, blobs first.
 * What was deleted is written to the audit log (which session, how many clips, whether a report), never what it
 * contained. Runs hourly in `vigil-server start`; on PostgreSQL one process at a time (advisory lock).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { audit } from '../store/exams';

export interface RetentionResult {
  readonly evidence: number;
  readonly reports: number;
}

export async function runRetention(db: Kysely<Database>, removeBlob: (uploadId: string) => Promise<void>, now = new Date()): Promise<RetentionResult> {
  const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtextextended('vigil-retention', 0)) as ok`.execute(db);
  if (!rows[0]?.ok) return { evidence: 0, reports: 0 };
  try {
    const cutoff = sql<Date>`${now.toISOString()}::timestamptz - make_interval(days => exams.retention_days)`;
    const clips = await db
      .selectFrom('evidence')
      .innerJoin('sessions', 'sessions.id', 'evidence.session_id')
      .innerJoin('exams', 'exams.id', 'sessions.exam_id')
      .select(['evidence.id', 'evidence.upload_id', 'evidence.session_id', 'exams.id as exam_id'])
      .where('exams.retention_days', 'is not', null)
      .where('evidence.created_at', '<', cutoff)
      .execute();
    for (const clip of clips) {
      await removeBlob(clip.upload_id).catch(() => undefined); // already gone is fine: the row is what we track
      await db.deleteFrom('evidence').where('id', '=', clip.id).execute();
    }
    const reports = await db
      .deleteFrom('reports')
      .using(['sessions', 'exams'])
      .whereRef('sessions.id', '=', 'reports.session_id')
      .whereRef('exams.id', '=', 'sessions.exam_id')
      .where('exams.retention_days', 'is not', null)
      .where('reports.created_at', '<', cutoff)
      .returning(['reports.session_id'])
      .execute();
    const bySession = new Map<string, { clips: number; report: boolean }>();
    for (const c of clips) bySession.set(c.session_id, { clips: (bySession.get(c.session_id)?.clips ?? 0) + 1, report: false });
    // These reports came through sessions (the join above), so each has one.
    for (const { session_id: id } of reports) if (id) bySession.set(id, { clips: bySession.get(id)?.clips ?? 0, report: true });
    for (const [sessionId, what] of bySession) await audit(db, 'retention', 'retention.delete', `session ${sessionId}: ${what.clips} evidence clip(s)${what.report ? ', report' : ''}`);
    return { evidence: clips.length, reports: reports.length };
  } finally {
    await sql`select pg_advisory_unlock(hashtextextended('vigil-retention', 0))`.execute(db);
  }
}
