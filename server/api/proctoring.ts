import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole, sendError } from '../auth/plugin';
import type { ServerContext } from '../context';
import { jobsDir } from '../jobs/analysis-queue';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const MEDIA_TYPES = ['video/mp4', 'video/webm', 'video/quicktime', 'video/x-matroska', 'audio/wav', 'audio/mpeg', 'application/octet-stream'];

/** Seed API parity: upload a recorded exam and get the same report as `vigil analyze`, through the job queue. */
export const proctoringRoutes: FastifyPluginAsyncZod<ServerContext & { home: string }> = async (app, ctx) => {
  const { db } = ctx.db;
  // The recording streams to disk; it is never held in memory.
  app.addContentTypeParser(MEDIA_TYPES, { bodyLimit: 2 * 1024 * 1024 * 1024 }, (_req, payload, done) => done(null, payload));

  app.post(
    '/api/v1/proctoring/process',
    {
      preHandler: requireRole(app, 'admin', 'invigilator'),
      bodyLimit: 2 * 1024 * 1024 * 1024,
      schema: {
        tags: ['proctoring'],
        summary: 'Queue a recorded exam (request body: the media file) for analysis',
        querystring: z.object({ student_id: z.string().max(200).optional(), exam_id: z.string().max(200).optional() }),
        response: { 202: z.object({ jobId: z.string(), status: z.string() }), 400: ErrorBody },
      },
    },
    async (req, reply) => {
      if (!req.body || typeof (req.body as Readable).pipe !== 'function') return sendError(reply, 400, 'no_media', `send the recording as the body with a media content type (${MEDIA_TYPES.join(', ')})`);
      const id = randomUUID();
      mkdirSync(jobsDir(ctx.home), { recursive: true });
      const input = join(jobsDir(ctx.home), `${id}.input`);
      await pipeline(req.body as Readable, createWriteStream(input));
      await db.insertInto('analysis_jobs').values({ id, input_path: input, student_id: req.query.student_id ?? null, exam_id: req.query.exam_id ?? null, created_by: req.staff!.email }).execute();
      return reply.code(202).send({ jobId: id, status: 'queued' });
    },
  );

  app.get(
    '/api/v1/proctoring/jobs/:id',
    {
      preHandler: requireRole(app, 'admin', 'invigilator', 'reviewer'),
      schema: { tags: ['proctoring'], summary: 'A job: queued, running, done (with the report v1) or failed (with why)', params: z.object({ id: z.uuid() }), response: { 200: z.object({ id: z.string(), status: z.string(), error: z.string().nullable(), report: z.unknown() }), 404: ErrorBody } },
    },
    async (req, reply) => {
      const job = await db.selectFrom('analysis_jobs').select(['id', 'status', 'error', 'report']).where('id', '=', req.params.id).executeTakeFirst();
      if (!job) return sendError(reply, 404, 'not_found', 'no such job');
      return { id: job.id, status: job.status, error: job.error, report: job.report ?? null };
    },
  );
};
