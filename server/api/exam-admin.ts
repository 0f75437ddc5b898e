/**
 * What the console needs beyond the exams plugin: one exam with its policy and invigilators, the policy edited
 * (checked by the engine's zod schema, errors naming the field and the rule), the quit password set (only its
 * scrypt hash is kept), the staff list for assigning, and the monitoring rows of an exam.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ExamPolicy } from '../../app/engine/policy/policy';
import { requireRole, sendError } from '../auth/plugin';
import { hashPassword } from '../auth/secrets';
import type { ServerContext } from '../context';
import { audit } from '../store/exams';
import { ROLES } from '../store/schema';
import { maySeeExam } from './visibility';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const ExamParams = z.object({ examId: z.uuid() });
const PolicyProblem = z.object({ error: z.literal('bad_policy'), message: z.string(), field: z.string(), rule: z.string() });
const PolicyVerdict = z.union([z.object({ ok: z.literal(true), policy: z.record(z.string(), z.unknown()) }), z.object({ ok: z.literal(false), field: z.string(), rule: z.string() })]);
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The schema's verdict on a draft: the policy with every default filled in, or the first field and its rule. */
export function checkPolicy(draft: unknown): z.infer<typeof PolicyVerdict> {
  const result = ExamPolicy.safeParse(draft);
  if (result.success) {
    const { quitPasswordHash: _hidden, ...policy } = result.data;
    return { ok: true, policy };
  }
  const issue = result.error.issues[0]!;
  return { ok: false, field: issue.path.length ? issue.path.join('.') : '(top level)', rule: issue.message };
}

export const examAdminRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;
  const staff = requireRole(app, 'admin', 'invigilator', 'reviewer');
  const admin = requireRole(app, 'admin');

  app.post(
    '/api/v1/policy/check',
    { preHandler: staff, schema: { tags: ['exams'], summary: "Judge a policy draft with the engine's schema (nothing is stored)", body: z.object({ policy: z.record(z.string(), z.unknown()) }).strict(), response: { 200: PolicyVerdict } } },
    async (req) => checkPolicy(req.body.policy),
  );

  app.get(
    '/api/v1/exams/:examId',
    {
      preHandler: staff,
      schema: {
        tags: ['exams'],
        summary: 'One exam: its policy (the quit password only as set or not), its invigilators',
        params: ExamParams,
        response: {
          200: z.object({ id: z.string(), name: z.string(), policy: z.record(z.string(), z.unknown()), hasQuitPassword: z.boolean(), invigilators: z.array(z.object({ id: z.string(), email: z.string() })), createdAt: z.string() }),
          404: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const exam = await db.selectFrom('exams').select(['id', 'name', 'policy', 'created_at']).where('id', '=', req.params.examId).executeTakeFirst();
      if (!exam || !(await maySeeExam(db, req.staff!, exam.id))) return sendError(reply, 404, 'not_found', 'no such exam');
      const stored = (typeof exam.policy === 'string' ? JSON.parse(exam.policy) : exam.policy) as Record<string, unknown>;
      const { quitPasswordHash, ...policy } = stored;
      const invigilators = await db.selectFrom('exam_assignments').innerJoin('users', 'users.id', 'exam_assignments.user_id').select(['users.id', 'users.email']).where('exam_assignments.exam_id', '=', exam.id).orderBy('users.email').execute();
      return { id: exam.id, name: exam.name, policy, hasQuitPassword: typeof quitPasswordHash === 'string', invigilators, createdAt: iso(exam.created_at)! };
    },
  );

  app.put(
    '/api/v1/exams/:examId/policy',
    {
      preHandler: admin,
      schema: {
        tags: ['exams'],
        summary: 'Replace the policy; a new quit password is hashed with scrypt (the old hash is kept when none is given)',
        params: ExamParams,
        body: z.object({ policy: z.record(z.string(), z.unknown()), quitPassword: z.string().min(8, 'quitPassword: at least 8 characters').max(1024).optional() }).strict(),
        response: { 200: z.object({ hasQuitPassword: z.boolean() }), 400: PolicyProblem, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const exam = await db.selectFrom('exams').select(['policy']).where('id', '=', req.params.examId).executeTakeFirst();
      if (!exam) return sendError(reply, 404, 'not_found', 'no such exam');
      // The hash never travels to the console: a draft naming one is refused rather than trusted.
      if ('quitPasswordHash' in req.body.policy) return reply.code(400).send({ error: 'bad_policy', field: 'quitPasswordHash', rule: 'set through quitPassword, never directly', message: 'quitPasswordHash: set through quitPassword, never directly' });
      const verdict = checkPolicy(req.body.policy);
      if (!verdict.ok) return reply.code(400).send({ error: 'bad_policy', field: verdict.field, rule: verdict.rule, message: `${verdict.field}: ${verdict.rule}` });
      const old = (typeof exam.policy === 'string' ? JSON.parse(exam.policy) : exam.policy) as { quitPasswordHash?: string };
      const quitPasswordHash = req.body.quitPassword !== undefined ? await hashPassword(req.body.quitPassword) : old.quitPasswordHash;
      const policy = ExamPolicy.parse({ ...verdict.policy, ...(quitPasswordHash ? { quitPasswordHash } : {}) });
      await db.updateTable('exams').set({ policy: JSON.stringify(policy) }).where('id', '=', req.params.examId).execute();
      await audit(db, req.staff!.email, req.body.quitPassword !== undefined ? 'exam.policy+quit_password' : 'exam.policy', req.params.examId);
      return { hasQuitPassword: quitPasswordHash !== undefined };
    },
  );

  app.get(
    '/api/v1/users',
    { preHandler: admin, schema: { tags: ['auth'], summary: 'Staff accounts (for assigning invigilators)', response: { 200: z.array(z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES) })) } } },
    async () => db.selectFrom('users').select(['id', 'email', 'role']).orderBy('email').execute(),
  );

  app.get(
    '/api/v1/exams/:examId/monitor',
    {
      preHandler: staff,
      schema: {
        tags: ['live'],
        summary: "The exam's sessions as the monitoring table shows them (the live feed updates them)",
        params: ExamParams,
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              studentId: z.string(),
              status: z.enum(['active', 'finished']),
              chainStatus: z.enum(['ok', 'broken']),
              riskLevel: z.string().nullable(),
              intervalScore: z.number().nullable(),
              warnings: z.array(z.string()),
              pendingOutbox: z.number().nullable(),
              lastHeartbeatAt: z.string().nullable(),
              /** When the newest live thumbnail arrived (policy liveView: thumbnails); null for reviewers, who may not see it. */
              thumbnailAt: z.string().nullable(),
              startedAt: z.string(),
              instructions: z.array(z.object({ id: z.string(), kind: z.string(), message: z.string().nullable(), createdAt: z.string(), confirmedAt: z.string().nullable() })),
            }),
          ),
          404: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      if (!(await maySeeExam(db, req.staff!, req.params.examId))) return sendError(reply, 404, 'not_found', 'no such exam');
      const rows = await db
        .selectFrom('sessions')
        .leftJoin('reports', 'reports.session_id', 'sessions.id')
        .leftJoin('session_thumbnails', 'session_thumbnails.session_id', 'sessions.id')
        .select(['sessions.id', 'sessions.student_id', 'sessions.status', 'sessions.chain_status', 'sessions.last_heartbeat', 'sessions.last_heartbeat_at', 'sessions.started_at', 'reports.risk_level', 'session_thumbnails.at as thumbnail_at'])
        .where('sessions.exam_id', '=', req.params.examId)
        .orderBy('sessions.started_at', 'desc')
        .limit(500)
        .execute();
      const ids = rows.map((r) => r.id);
      const instructions = ids.length ? await db.selectFrom('instructions').selectAll().where('session_id', 'in', ids).orderBy('created_at').execute() : [];
      return rows.map((r) => {
        const hb = (typeof r.last_heartbeat === 'string' ? JSON.parse(r.last_heartbeat) : r.last_heartbeat) as { riskLevel?: string; intervalScore?: number; activeWarnings?: string[]; pendingOutbox?: number } | null;
        return {
          id: r.id,
          studentId: r.student_id,
          status: r.status,
          chainStatus: r.chain_status,
          riskLevel: r.risk_level ?? hb?.riskLevel ?? null,
          intervalScore: hb?.intervalScore ?? null,
          warnings: hb?.activeWarnings ?? [],
          pendingOutbox: hb?.pendingOutbox ?? null,
          lastHeartbeatAt: iso(r.last_heartbeat_at),
          thumbnailAt: req.staff!.role === 'reviewer' ? null : iso(r.thumbnail_at),
          startedAt: iso(r.started_at)!,
          instructions: instructions.filter((i) => i.session_id === r.id).map((i) => ({ id: i.id, kind: i.kind, message: i.message, createdAt: iso(i.created_at)!, confirmedAt: iso(i.confirmed_at) })),
        };
      });
    },
  );
};
