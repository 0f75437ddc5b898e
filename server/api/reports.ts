import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Report } from '../../app/engine/report/report';
import { GENESIS, verifyLinks } from '../../app/engine/storage/hash-chain';
import { requireRole, sendError } from '../auth/plugin';
import type { ServerContext } from '../context';
import type { Database } from '../store/schema';
import type { Kysely } from 'kysely';
import { assignedExams, maySeeExam } from './visibility';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const ReportSummary = z.object({ id: z.string(), sessionId: z.string(), examId: z.string(), studentId: z.string(), riskScore: z.number(), riskLevel: z.string(), flaggedIntervals: z.number(), createdAt: z.string() });
const ChainCheck = z.object({ verified: z.boolean(), events: z.number(), status: z.enum(['ok', 'broken']), firstBadSeq: z.number().nullable(), reason: z.string().nullable() });
const EvidenceItem = z.object({ id: z.string(), segmentId: z.number(), sha256: z.string(), bytes: z.number(), mime: z.string(), verified: z.boolean(), status: z.string() });
const FullReport = Report.extend({ chain: ChainCheck, evidence: z.array(EvidenceItem) });

/** Walks a session's stored events from genesis, as a reviewer would want before trusting a report. */
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
        querystring: z.object({ exam_id: z.uuid().optional(), student_id: z.string().max(200).optional(), skip: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ total: z.number(), items: z.array(ReportSummary) }) },
      },
    },
    async (req) => {
      const { exam_id, student_id, skip, limit } = req.query;
      let base = db.selectFrom('reports').innerJoin('sessions', 'sessions.id', 'reports.session_id');
      if (exam_id) base = base.where('sessions.exam_id', '=', exam_id);
      if (student_id) base = base.where('sessions.student_id', '=', student_id);
      const visible = assignedExams(db, req.staff!);
      if (visible) base = base.where('sessions.exam_id', 'in', visible);
      const total = Number((await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base
        .select(['reports.id', 'reports.session_id', 'sessions.exam_id', 'sessions.student_id', 'reports.risk_score', 'reports.risk_level', 'reports.flagged_intervals', 'reports.created_at'])
        .orderBy('reports.id', 'desc')
        .offset(skip)
        .limit(limit)
        .execute();
      return {
        total,
        items: rows.map((r) => ({ id: String(r.id), sessionId: r.session_id, examId: r.exam_id, studentId: r.student_id, riskScore: r.risk_score, riskLevel: r.risk_level, flaggedIntervals: r.flagged_intervals, createdAt: new Date(r.created_at).toISOString() })),
      };
    },
  );

  app.get(
    '/api/v1/reports/:id',
    { preHandler: staff, schema: { tags: ['reports'], summary: 'One report (v1) with its chain check and evidence', params: z.object({ id: z.string().regex(/^[0-9]{1,18}$/) }), response: { 200: FullReport, 404: ErrorBody } } },
    async (req, reply) => {
      const row = await db.selectFrom('reports').innerJoin('sessions', 'sessions.id', 'reports.session_id').select(['reports.report', 'reports.session_id', 'sessions.exam_id']).where('reports.id', '=', req.params.id).executeTakeFirst();
      if (!row || !(await maySeeExam(db, req.staff!, row.exam_id))) return sendError(reply, 404, 'not_found', `no report ${req.params.id}`);
      const report = Report.parse(typeof row.report === 'string' ? JSON.parse(row.report) : row.report);
      return { ...report, chain: await checkChain(db, row.session_id), evidence: await evidenceOf(db, row.session_id) };
    },
  );
};
