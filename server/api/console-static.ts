/**
 * The invigilator console (server/console, built by build/bundle.mjs into dist/console) served at `/`. It routes
 * by hash (#/exams/...), so only the files themselves are served; the API stays under /api.
 */
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendError } from '../auth/plugin';
import type { ServerContext } from '../context';

export const CONSOLE_DIR = join(import.meta.dirname, '..', '..', 'dist', 'console');

export const consoleRoutes: FastifyPluginAsyncZod<ServerContext> = async (app) => {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => sendError(reply, 503, 'console_not_built', `the console is not built (${CONSOLE_DIR} is missing): run npm run build`));
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/', index: ['index.html'], wildcard: false, schemaHide: true });
};
