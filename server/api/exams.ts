import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole, sendError } from '../auth/plugin';
import type { ServerContext } from '../context';
import { audit, createExam } from '../store/exams';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const Exam = z.object({ id: z.string(), name: z.string(), retentionDays: z.number().nullable(), createdAt: z.string() });

/** Exams: admins create them (the enrolment token is shown once) and assign invigilators. */
export const examRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;

  app.post(
    '/api/v1/exams',
    {
      preHandler: requireRole(app, 'admin'),
      schema: {
        tags: ['exams'],
        summary: 'Create an exam; returns its enrolment token once',
        body: z.object({ name: z.string().min(1).max(200), policy: z.record(z.string(), z.unknown()).optional(), retentionDays: z.number().int().positive().max(3650).optional() }).strict(),
        response: { 201: z.object({ examId: z.string(), enrolmentToken: z.string() }), 400: ErrorBody },
      },
    },
    async (req, reply) => {
      let created;
      try {
        created = await createExam(db, req.body);
      } catch (error) {
        return sendError(reply, 400, 'bad_policy', (error as Error).message.slice(0, 500));
      }
      await audit(db, req.staff!.email, 'exam.create', created.examId);
      return reply.code(201).send(created);
    },
  );

  app.get('/api/v1/exams', { preHandler: requireRole(app, 'admin', 'invigilator', 'reviewer'), schema: { tags: ['exams'], summary: 'Exams you may see', response: { 200: z.array(Exam) } } }, async (req) => {
    let query = db.selectFrom('exams').select(['id', 'name', 'retention_days', 'created_at']).orderBy('created_at', 'desc');
    if (req.staff!.role === 'invigilator') query = query.where('id', 'in', db.selectFrom('exam_assignments').select('exam_id').where('user_id', '=', req.staff!.id));
    return (await query.execute()).map((e) => ({ id: e.id, name: e.name, retentionDays: e.retention_days, createdAt: new Date(e.created_at).toISOString() }));
  });

  app.post(
    '/api/v1/exams/:examId/assignments',
    {
      preHandler: requireRole(app, 'admin'),
      schema: { tags: ['exams'], summary: 'Assign an invigilator to an exam', params: z.object({ examId: z.uuid() }), body: z.object({ userId: z.uuid() }).strict(), response: { 204: z.null(), 404: ErrorBody } },
    },
    async (req, reply) => {
      const user = await db.selectFrom('users').select('role').where('id', '=', req.body.userId).executeTakeFirst();
      const exam = await db.selectFrom('exams').select('id').where('id', '=', req.params.examId).executeTakeFirst();
      if (!user || !exam) return sendError(reply, 404, 'not_found', 'no such exam or user');
      await db.insertInto('exam_assignments').values({ exam_id: req.params.examId, user_id: req.body.userId }).onConflict((oc) => oc.doNothing()).execute();
      await audit(db, req.staff!.email, 'exam.assign', `${req.params.examId} ${req.body.userId}`);
      return reply.code(204).send(null);
    },
  );
};
