import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/plugin';
import type { ServerContext } from '../context';
import { maySeeExam } from './visibility';

/** `GET /api/v1/live?exam_id=` (WebSocket): heartbeats and incidents of one exam as they arrive at any server process. */
export const liveRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.get(
    '/api/v1/live',
    { websocket: true, preHandler: requireRole(app, 'admin', 'invigilator', 'reviewer'), schema: { tags: ['live'], summary: 'Live feed of one exam (WebSocket)', querystring: z.object({ exam_id: z.uuid() }) } },
    async (socket, req) => {
      const examId = (req.query as { exam_id: string }).exam_id;
      if (!(await maySeeExam(ctx.db.db, req.staff!, examId))) {
        socket.close(1008, 'not your exam');
        return;
      }
      const unsubscribe = ctx.live.subscribe((id, message) => {
        if (id === examId) socket.send(JSON.stringify(message));
      });
      socket.on('close', unsubscribe);
    },
  );
};
