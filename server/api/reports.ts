import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Report } from '../../app/engine/report/report';
import { GENESIS, verifyLinks } from '../../app/engine/storage/hash-chain';
import { requireRole, sendError, type StaffUser } from '../auth/plugin';
import type { ServerContext } from '../context';
import type { Database } from '../store/schema';
import { sql, type Kysely } from 'kysely';
import { assignedExams, maySeeExam } from './visibility';
import { ChainCheck, EvidenceItem } from './review-view';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
/** `source`: a candidate's device sent it (`sessionId`), or the server analysed an uploaded recording (`jobId`). */
const ReportSummary = z.object({
  id: z.string(),
  source: z.enum(['session', 'upload']),
  sessionId: z.string().nullable(),
  jobId: z.string().nullable(),
  examId: z.string().nullable(),
  studentId: z.string().nullable(),
  riskScore: z.number(),
  riskLevel: z.string(),
  flaggedIntervals: z.number(),
  createdAt: z.string(),
});
/** A report analysed on the server from an uploaded file has no event chain to walk. */
const NO_CHAIN = { verified: false, events: 0, status: 'ok' as const, firstBadSeq: null, reason: 'analysed on the server from an uploaded recording (POST /api/v1/proctoring/process): no event chain' };
const FullReport = Report.extend({ chain: ChainCheck, evidence: z.array(EvidenceItem) });

/** Walks a session's stored events from genesis (ChainCheck). */
export async function checkChain(db: Kysely<Database>, sessionId: string): Promise<z.infer<typeof ChainCheck>> {
  const session = await db.selectFrom('sessions').select(['client_session_id', 'chain_status', 'chain_broken_seq', 'chain_broken_reason']).where('id', '=', sessionId).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('events').select(['seq', 't', 'type', 'payload', 'prev_hash', 'hash']).where('session_id', '=', sessionId).orderBy('seq').execute();
  const verdict = verifyLinks(session.client_session_id, GENESIS, rows.map((r) => ({ t: r.t, type: r.type, payload: JSON.parse(r.payload) as unknown, prevHash: r.prev_hash, hash: r.hash })));
  const seqsContiguous = rows.every((r, i) => r.seq === i + 1);
  const verified = verdict.ok && seqsContiguous && session.chain_status === 'ok';
  return {
    verified,
    events: rows.length,
    status: session.chain_status,
    firstBadSeq: session.chain_broken_seq ?? (verdict.ok ? null : rows[verdict.index]!.seq),
    reason: session.chain_broken_reason ?? (verdict.ok ? null : verdict.reason),
  };
}

export async function evidenceOf(db: Kysely<Database>, sessionId: string) {
  const rows = await db.selectFrom('evidence').select(['id', 'segment_id', 'sha256', 'bytes', 'mime', 'status']).where('session_id', '=', sessionId).where('status', '!=', 'uploading').orderBy('segment_id').execute();
  return rows.map((e) => ({ id: e.id, segmentId: e.segment_id, sha256: e.sha256, bytes: Number(e.bytes ?? 0), mime: e.mime, verified: e.status === 'verified', status: e.status }));
}

/** An invigilator sees a report only of an exam assigned to them (a job's free-text exam id must be one of those). */
async function maySeeReportOf(db: Kysely<Database>, staff: StaffUser, examId: string | null): Promise<boolean> {
  if (staff.role !== 'invigilator') return true;
  if (!examId || !z.uuid().safeParse(examId).success) return false;
  return maySeeExam(db, staff, examId);
}

/** Reports (seed API parity): list by exam and student with paging, and one report with its chain and evidence checks. */
export const reportRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;
  const staff = requireRole(app, 'admin', 'invigilator', 'reviewer');

  app.get(
    '/api/v1/reports',
    {
      preHandler: staff,
      schema: {
        tags: ['reports'],
        summary: 'Reports, newest first',
        querystring: z.object({ exam_id: z.string().max(200).optional(), student_id: z.string().max(200).optional(), skip: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ total: z.number(), items: z.array(ReportSummary) }) },
      },
    },
    async (req) => {
      const { exam_id, student_id, skip, limit } = req.query;
      // A session's report takes its exam and student from the session; a job's report from the upload.
      const examOf = sql<string | null>`coalesce(sessions.exam_id::text, reports.exam_id)`;
      const studentOf = sql<string | null>`coalesce(sessions.student_id, reports.student_id)`;
      let base = db.selectFrom('reports').leftJoin('sessions', 'sessions.id', 'reports.session_id');
      if (exam_id) base = base.where(examOf, '=', exam_id);
      if (student_id) base = base.where(studentOf, '=', student_id);
      if (assignedExams(db, req.staff!)) base = base.where(examOf, 'in', db.selectFrom('exam_assignments').select(sql<string>`exam_id::text`.as('exam_id')).where('user_id', '=', req.staff!.id));
      const total = Number((await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base
        .select(['reports.id', 'reports.session_id', 'reports.job_id', examOf.as('exam_id'), studentOf.as('student_id'), 'reports.risk_score', 'reports.risk_level', 'reports.flagged_intervals', 'reports.created_at'])
        .orderBy('reports.id', 'desc')
        .offset(skip)
        .limit(limit)
        .execute();
      return {
        total,
        items: rows.map((r) => ({
          id: String(r.id),
          source: r.session_id ? ('session' as const) : ('upload' as const),
          sessionId: r.session_id,
          jobId: r.job_id,
          examId: r.exam_id,
          studentId: r.student_id,
          riskScore: r.risk_score,
          riskLevel: r.risk_level,
          flaggedIntervals: r.flagged_intervals,
          createdAt: new Date(r.created_at).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/api/v1/reports/:id',
    { preHandler: staff, schema: { tags: ['reports'], summary: 'One report (v1) with its chain check and evidence', params: z.object({ id: z.string().regex(/^[0-9]{1,18}$/) }), response: { 200: FullReport, 404: ErrorBody } } },
    async (req, reply) => {
      const row = await db
        .selectFrom('reports')
        .leftJoin('sessions', 'sessions.id', 'reports.session_id')
        .select(['reports.report', 'reports.session_id', sql<string | null>`coalesce(sessions.exam_id::text, reports.exam_id)`.as('exam_id')])
        .where('reports.id', '=', req.params.id)
        .executeTakeFirst();
      if (!row || !(await maySeeReportOf(db, req.staff!, row.exam_id))) return sendError(reply, 404, 'not_found', `no report ${req.params.id}`);
      const report = Report.parse(typeof row.report === 'string' ? JSON.parse(row.report) : row.report);
      if (!row.session_id) return { ...report, chain: NO_CHAIN, evidence: [] };
      return { ...report, chain: await checkChain(db, row.session_id), evidence: await evidenceOf(db, row.session_id) };
    },
  );
};
