/**
 * Live thumbnails (policy `liveView: thumbnails`): a candidate's client sends a small JPEG now and then on its own
 * route (app/engine/sync/protocol.ts ThumbnailUpload), the server keeps only the newest per session and tells the
 * exam's live feed; admins and the exam's own invigilators fetch it. An exam whose policy says `status` gets none:
 * the candidate's consent screen told them no picture would be seen.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SYNC_ROUTES, SyncError, THUMBNAIL, ThumbnailAck, ThumbnailUpload, isJpeg } from '../../app/engine/sync/protocol';
import { requireRole, requireSessionToken, sendError } from '../auth/plugin';
import type { ServerContext } from '../context';
import { maySeeExam } from './visibility';

const SessionParams = z.object({ id: z.uuid() });

/** The exam's live view as its stored policy says (the schema's default, `status`, when it says nothing). */
async function liveViewOf(ctx: ServerContext, examId: string): Promise<'status' | 'thumbnails'> {
  const exam = await ctx.db.db.selectFrom('exams').select('policy').where('id', '=', examId).executeTakeFirst();
  const policy = (typeof exam?.policy === 'string' ? JSON.parse(exam.policy) : exam?.policy) as { liveView?: unknown } | null | undefined;
  return policy?.liveView === 'thumbnails' ? 'thumbnails' : 'status';
}

export const thumbnailRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;
  // Registered from SYNC_ROUTES so client and server cannot disagree on the path.
  const uploadPath = SYNC_ROUTES.thumbnail(':id').replace(encodeURIComponent(':id'), ':id');

  app.post(
    uploadPath,
    {
      preHandler: requireSessionToken(db),
      bodyLimit: 64 * 1024,
      schema: { tags: ['sync'], summary: 'The newest live thumbnail of this session (policy liveView: thumbnails only)', params: SessionParams, body: ThumbnailUpload, response: { 200: ThumbnailAck, 400: SyncError, 403: SyncError, 429: SyncError } },
    },
    async (req, reply) => {
      const candidate = req.candidate!;
      if ((await liveViewOf(ctx, candidate.examId)) !== 'thumbnails') return reply.code(403).send({ error: 'thumbnails_off', message: "this exam's policy shows invigilators the session's status only (liveView: status); no picture is taken" });
      const jpeg = Buffer.from(req.body.jpeg, 'base64');
      if (jpeg.length > THUMBNAIL.maxBytes || !isJpeg(jpeg)) return reply.code(400).send({ error: 'bad_thumbnail', message: `jpeg: must be one JPEG of at most ${THUMBNAIL.maxBytes} bytes` });
      const last = await db.selectFrom('session_thumbnails').select('at').where('session_id', '=', candidate.id).executeTakeFirst();
      if (last && Date.now() - new Date(last.at).getTime() < THUMBNAIL.minIntervalSec * 1000) return reply.code(429).send({ error: 'too_soon', message: `one thumbnail every ${THUMBNAIL.minIntervalSec} s at most` });
      const at = new Date();
      const row = { jpeg, width: req.body.width, height: req.body.height, at };
      await db
        .insertInto('session_thumbnails')
        .values({ session_id: candidate.id, ...row })
        .onConflict((oc) => oc.column('session_id').doUpdateSet(row))
        .execute();
      await ctx.live.publish(candidate.examId, { type: 'thumbnail', sessionId: candidate.id, at: at.toISOString() });
      return { stored: true as const, at: at.toISOString() };
    },
  );

  app.get(
    '/api/v1/sessions/:id/thumbnail',
    { preHandler: requireRole(app, 'admin', 'invigilator'), schema: { tags: ['sessions'], summary: "The session's newest live thumbnail (admins and the exam's invigilators)", params: SessionParams } },
    async (req, reply) => {
      const session = await db.selectFrom('sessions').select(['exam_id']).where('id', '=', req.params.id).executeTakeFirst();
      if (!session || !(await maySeeExam(db, req.staff!, session.exam_id))) return sendError(reply, 404, 'not_found', 'no such session');
      const thumb = await db.selectFrom('session_thumbnails').select(['jpeg', 'at']).where('session_id', '=', req.params.id).executeTakeFirst();
      if (!thumb) return sendError(reply, 404, 'not_found', 'no thumbnail yet');
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'no-store')
        .header('last-modified', new Date(thumb.at).toUTCString())
        .send(Buffer.from(thumb.jpeg));
    },
  );
};
