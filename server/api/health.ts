import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Health, SYNC_PROTOCOL_VERSION, SYNC_ROUTES } from '../../app/engine/sync/protocol';
import type { ServerContext } from '../context';

/** `GET /api/v1/health`: what the client's spooler asks before it sends anything. Public, says nothing secret. */
export const healthRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.get(SYNC_ROUTES.health, { schema: { tags: ['health'], summary: 'Database, blob store and version', response: { 200: Health, 503: Health } } }, async (_req, reply) => {
    const database = await sql`select 1`.execute(ctx.db.db).then(() => true, () => false);
    const blobs = await ctx.blobs.healthy();
    const body: Health = {
      status: database && blobs ? 'ok' : 'degraded',
      accepting: database && blobs,
      version: ctx.version,
      protocol: SYNC_PROTOCOL_VERSION,
      database: { ok: database, kind: ctx.db.kind },
      blobs: { ok: blobs, kind: ctx.blobs.kind },
    };
    return reply.code(body.accepting ? 200 : 503).send(body);
  });
};
