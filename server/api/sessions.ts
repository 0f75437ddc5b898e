import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole, sendError } from '../auth/plugin';
import type { ServerContext } from '../context';
import { audit } from '../store/exams';
import { checkChain, evidenceOf } from './reports';
import { assignedExams, maySeeExam } from './visibility';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const SessionSummary = z.object({
  id: z.string(),
  examId: z.string(),
  studentId: z.string(),
  status: z.enum(['active', 'finished']),
  chainStatus: z.enum(['ok', 'broken']),
  ackSeq: z.number(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
});
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Candidate sessions as staff see them (seed API parity): list, stats, details, instructions, deletion. */
export const sessionRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;
  const staff = requireRole(app, 'admin', 'invigilator', 'reviewer');

  app.get(
    '/api/v1/sessions',
    {
      preHandler: staff,
      schema: { tags: ['sessions'], summary: 'Sessions, newest first', querystring: z.object({ exam_id: z.uuid().optional(), active: z.enum(['true', 'false']).optional(), skip: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: z.array(SessionSummary) } },
    },
    async (req) => {
      let q = db.selectFrom('sessions').select(['id', 'exam_id', 'student_id', 'status', 'chain_status', 'ack_seq', 'started_at', 'ended_at', 'last_heartbeat_at']);
      if (req.query.exam_id) q = q.where('exam_id', '=', req.query.exam_id);
      if (req.query.active) q = q.where('status', '=', req.query.active === 'true' ? 'active' : 'finished');
      const visible = assignedExams(db, req.staff!);
      if (visible) q = q.where('exam_id', 'in', visible);
      const rows = await q.orderBy('started_at', 'desc').offset(req.query.skip).limit(req.query.limit).execute();
      return rows.map((s) => ({ id: s.id, examId: s.exam_id, studentId: s.student_id, status: s.status, chainStatus: s.chain_status, ackSeq: s.ack_seq, startedAt: iso(s.started_at)!, endedAt: iso(s.ended_at), lastHeartbeatAt: iso(s.last_heartbeat_at) }));
    },
  );

  app.get(
    '/api/v1/sessions/stats',
    { preHandler: staff, schema: { tags: ['sessions'], summary: 'Totals: sessions, active, flagged intervals, high risk', querystring: z.object({ exam_id: z.uuid().optional() }), response: { 200: z.object({ total: z.number(), active: z.number(), flaggedIntervals: z.number(), highRisk: z.number(), chainBroken: z.number() }) } } },
    async (req) => {
      let q = db.selectFrom('sessions').leftJoin('reports', 'reports.session_id', 'sessions.id');
      if (req.query.exam_id) q = q.where('sessions.exam_id', '=', req.query.exam_id);
      const visible = assignedExams(db, req.staff!);
      if (visible) q = q.where('sessions.exam_id', 'in', visible);
      const r = await q
        .select((eb) => [
          eb.fn.countAll<string>().as('total'),
          eb.fn.count<string>('sessions.id').filterWhere('sessions.status', '=', 'active').as('active'),
          eb.fn.coalesce(eb.fn.sum<string>('reports.flagged_intervals'), eb.val('0')).as('flagged'),
          eb.fn.count<string>('reports.id').filterWhere('reports.risk_level', '=', 'HIGH_RISK').as('high'),
          eb.fn.count<string>('sessions.id').filterWhere('sessions.chain_status', '=', 'broken').as('broken'),
        ])
        .executeTakeFirstOrThrow();
      return { total: Number(r.total), active: Number(r.active), flaggedIntervals: Number(r.flagged), highRisk: Number(r.high), chainBroken: Number(r.broken) };
    },
  );

  app.get(
    '/api/v1/sessions/:id',
    { preHandler: staff, schema: { tags: ['sessions'], summary: 'One session with its chain check, evidence and last heartbeat', params: z.object({ id: z.uuid() }), response: { 200: z.record(z.string(), z.unknown()), 404: ErrorBody } } },
    async (req, reply) => {
      const s = await db.selectFrom('sessions').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!s || !(await maySeeExam(db, req.staff!, s.exam_id))) return sendError(reply, 404, 'not_found', 'no such session');
      const report = await db.selectFrom('reports').select('id').where('session_id', '=', s.id).executeTakeFirst();
      return {
        id: s.id,
        examId: s.exam_id,
        studentId: s.student_id,
        device: s.device,
        engineVersion: s.engine_version,
        status: s.status,
        startedAt: iso(s.started_at),
        endedAt: iso(s.ended_at),
        lastHeartbeat: s.last_heartbeat,
        lastHeartbeatAt: iso(s.last_heartbeat_at),
        chain: await checkChain(db, s.id),
        evidence: await evidenceOf(db, s.id),
        reportId: report ? String(report.id) : null,
      };
    },
  );

  app.post(
    '/api/v1/sessions/:id/instructions',
    {
      preHandler: requireRole(app, 'admin', 'invigilator'),
      schema: { tags: ['sessions'], summary: 'Queue an instruction for the candidate (delivered on the next heartbeat)', params: z.object({ id: z.uuid() }), body: z.object({ kind: z.enum(['message', 'finish', 'pause']), message: z.string().max(2000).optional() }).strict(), response: { 201: z.object({ id: z.string() }), 404: ErrorBody } },
    },
    async (req, reply) => {
      const s = await db.selectFrom('sessions').select('exam_id').where('id', '=', req.params.id).executeTakeFirst();
      if (!s || !(await maySeeExam(db, req.staff!, s.exam_id))) return sendError(reply, 404, 'not_found', 'no such session');
      const id = randomUUID();
      await db.insertInto('instructions').values({ id, session_id: req.params.id, kind: req.body.kind, message: req.body.message ?? null }).execute();
      await audit(db, req.staff!.email, `instruction.${req.body.kind}`, req.params.id);
      return reply.code(201).send({ id });
    },
  );

  app.delete(
    '/api/v1/sessions/:id',
    { preHandler: requireRole(app, 'admin'), schema: { tags: ['sessions'], summary: "Delete one candidate session's data (audited: what was deleted, not what it held)", params: z.object({ id: z.uuid() }), response: { 204: z.null(), 404: ErrorBody } } },
    async (req, reply) => {
      const gone = await db.deleteFrom('sessions').where('id', '=', req.params.id).returning('id').executeTakeFirst();
      if (!gone) return sendError(reply, 404, 'not_found', 'no such session');
      await audit(db, req.staff!.email, 'session.delete', req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/evidence/:id',
    { preHandler: staff, schema: { tags: ['evidence'], summary: 'An evidence clip (verified only), with HTTP range requests (206, 416)', params: z.object({ id: z.uuid() }) } },
    async (req, reply) => {
      const e = await db.selectFrom('evidence').innerJoin('sessions', 'sessions.id', 'evidence.session_id').select(['evidence.upload_id', 'evidence.bytes', 'evidence.mime', 'sessions.exam_id']).where('evidence.id', '=', req.params.id).where('evidence.status', '=', 'verified').executeTakeFirst();
      if (!e || !(await maySeeExam(db, req.staff!, e.exam_id))) return sendError(reply, 404, 'not_found', 'no such verified clip');
      const size = Number(e.bytes);
      reply.header('accept-ranges', 'bytes').type(e.mime);
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (!req.headers.range || !range) return reply.header('content-length', size).send(await ctx.blobs.read(e.upload_id));
      let start = range[1] ? Number(range[1]) : size - Number(range[2]);
      let end = range[1] && range[2] ? Number(range[2]) : size - 1;
      if (!range[1]) start = Math.max(0, start);
      end = Math.min(end, size - 1);
      if (!(start >= 0 && start <= end && start < size)) return reply.code(416).header('content-range', `bytes */${size}`).send({ error: 'bad_range', message: `the clip has ${size} bytes` });
      return reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1).send(await ctx.blobs.read(e.upload_id, { start, end }));
    },
  );
};
