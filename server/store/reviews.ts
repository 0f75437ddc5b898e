/**
 * A session's flags (what a reviewer looks at) and its append-only reviews. Flags come from the final report
 * (alerts and flagged intervals) or, before it arrives, from the alert events; everything else in the event
 * chain is a milestone. The current decision on a flag is its latest review; nothing is ever updated.
 */
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { Report } from '../../app/engine/report/report';
import type { Flag, Milestone, Review } from '../api/review-view';
import type { Database, ReviewDecision } from './schema';

export type ReviewRow = z.infer<typeof Review> & { readonly decision: ReviewDecision };

export async function storedReport(db: Kysely<Database>, sessionId: string): Promise<Report | null> {
  const row = await db.selectFrom('reports').select('report').where('session_id', '=', sessionId).executeTakeFirst();
  if (!row) return null;
  return Report.parse(typeof row.report === 'string' ? JSON.parse(row.report) : row.report);
}

function overlapping(report: Report | null, start: number, end: number): number[] {
  return (report?.segments ?? []).filter((s) => s.start <= end && s.end >= start).map((s) => s.id);
}

export async function flagsOf(db: Kysely<Database>, sessionId: string): Promise<{ flags: Flag[]; milestones: Milestone[]; report: Report | null }> {
  const report = await storedReport(db, sessionId);
  const events = await db.selectFrom('events').select(['t', 'type', 'payload']).where('session_id', '=', sessionId).orderBy('seq').limit(20_000).execute();
  const milestones = events.filter((e) => !e.type.startsWith('alert.')).map((e) => ({ t: e.t, type: e.type }));
  const flags: Flag[] = [];
  if (report) {
    report.alerts.forEach((a, i) =>
      flags.push({ key: `alert:${i}`, kind: 'alert', detector: a.type, start: a.start, end: a.end, severity: a.severity, confidence: a.confidence, explanation: a.evidence, segmentIds: overlapping(report, a.start, a.end) }),
    );
    for (const iv of report.intervals.filter((i) => i.flagged)) {
      const top = Object.entries(iv.contributions).sort((a, b) => b[1].points - a[1].points)[0]?.[0] ?? 'interval';
      flags.push({ key: `interval:${iv.start}`, kind: 'interval', detector: top, start: iv.start, end: iv.end, severity: null, confidence: null, explanation: { score: iv.score, contributions: iv.contributions }, segmentIds: overlapping(report, iv.start, iv.end) });
    }
  } else {
    events.forEach((e, i) => {
      if (!e.type.startsWith('alert.')) return;
      const payload = JSON.parse(e.payload) as { end?: number; severity?: string; confidence?: number; evidence?: Record<string, unknown> } | null;
      flags.push({ key: `event:${i}`, kind: 'alert', detector: e.type.slice(6), start: e.t, end: payload?.end ?? e.t, severity: payload?.severity ?? null, confidence: payload?.confidence ?? null, explanation: payload?.evidence ?? {}, segmentIds: [] });
    });
  }
  return { flags: flags.sort((a, b) => a.start - b.start), milestones, report };
}

export async function reviewsOf(db: Kysely<Database>, sessionIds: readonly string[]): Promise<(ReviewRow & { sessionId: string })[]> {
  if (!sessionIds.length) return [];
  const rows = await db.selectFrom('reviews').selectAll().where('session_id', 'in', sessionIds).orderBy('session_id').orderBy('version').execute();
  return rows.map((r) => ({ sessionId: r.session_id, version: r.version, flagKey: r.flag_key, decision: r.decision, note: r.note, reviewer: r.reviewer, at: new Date(r.at).toISOString() }));
}

/** The latest review of each flag, and of the session as a whole (key null). */
export function currentDecisions<T extends ReviewRow>(rows: readonly T[]): Map<string | null, T> {
  const latest = new Map<string | null, T>();
  for (const r of rows) latest.set(r.flagKey, r);
  return latest;
}

export class ReviewConflict extends Error {
  constructor(readonly current: ReviewRow) {
    super(`${current.reviewer} reviewed this session at ${current.at} (version ${current.version}) after you opened it; look again before deciding`);
  }
}

/** Appends one review if the session is still at `expectedVersion`; else throws ReviewConflict naming who changed it. */
export async function appendReview(
  db: Kysely<Database>,
  sessionId: string,
  review: { flagKey: string | null; decision: ReviewDecision; note: string; reviewer: string; expectedVersion: number },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // Locking the session row serialises reviewers of one session on both databases.
    await tx.selectFrom('sessions').select('id').where('id', '=', sessionId).forUpdate().executeTakeFirstOrThrow();
    const last = await tx.selectFrom('reviews').selectAll().where('session_id', '=', sessionId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    const version = last?.version ?? 0;
    if (last && version !== review.expectedVersion) {
      throw new ReviewConflict({ version: last.version, flagKey: last.flag_key, decision: last.decision, note: last.note, reviewer: last.reviewer, at: new Date(last.at).toISOString() });
    }
    if (!last && review.expectedVersion !== 0) throw new Error('expectedVersion: this session has no reviews yet; send 0');
    await tx.insertInto('reviews').values({ session_id: sessionId, version: version + 1, flag_key: review.flagKey, decision: review.decision, note: review.note, reviewer: review.reviewer }).execute();
    return version + 1;
  });
}
