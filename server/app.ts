/**
 * The reference server as one Fastify instance: security plugins, then one plugin per resource (schemas beside
 * their routes), the tus endpoint for evidence, OpenAPI at /api/docs. `buildServer` is what `vigil-server start`
 * runs and what the tests drive with `inject` or over loopback.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNC_ROUTES } from '../app/engine/sync/protocol';
import { heartbeatSeconds } from './config';
import { authRoutes } from './api/auth';
import { consoleRoutes } from './api/console-static';
import { examAdminRoutes } from './api/exam-admin';
import { publishRoutes } from './api/publish';
import { examRoutes } from './api/exams';
import { healthRoutes } from './api/health';
import { liveRoutes } from './api/live';
import { proctoringRoutes } from './api/proctoring';
import { reportRoutes } from './api/reports';
import { reviewRoutes } from './api/reviews';
import { sessionRoutes } from './api/sessions';
import { syncRoutes } from './api/sync';
import { thumbnailRoutes } from './api/thumbnails';
import { installAuth } from './auth/plugin';
import { createEvidenceStore, type EvidenceStore, type ReadableStore } from './blobs/evidence-uploads';
import { startAnalysisWorker } from './jobs/analysis-queue';
import { runRetention } from './jobs/retention';
import { PostgresAdvisoryLocker } from './blobs/pg-locker';
import type { ServerContext } from './context';
import { openLiveFeed } from './live/feed';
import { setting } from './store/exams';
import { openServerDb, type ServerDb } from './store/db';
import type { Locker } from '@tus/utils';

export interface ServerOptions {
  /** VIGIL_SERVER_HOME: PGlite data, evidence folder. */
  readonly home: string;
  readonly databaseUrl?: string | null;
  /** A database already open (tests share one per file). */
  readonly db?: ServerDb;
  readonly https?: { key: Buffer; cert: Buffer };
  readonly datastore?: ReadableStore;
  readonly locker?: Locker;
  /** Evidence folder (default `<home>/evidence`); several processes share one. */
  readonly evidenceDir?: string;
  readonly logger?: boolean;
  /** Run queued analysis jobs in this process (the `start` command does). */
  readonly analysisWorker?: boolean;
  /** Run the retention job hourly (the `start` command does). */
  readonly retention?: boolean;
  /** The heartbeat interval stated to clients (default: VIGIL_HEARTBEAT_SECONDS, else 5). */
  readonly heartbeatSeconds?: number;
}

export interface VigilServer {
  readonly app: FastifyInstance;
  readonly db: ServerDb;
  readonly blobs: EvidenceStore;
  close(): Promise<void>;
}

export function serverVersion(): string {
  return (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

export async function buildServer(options: ServerOptions): Promise<VigilServer> {
  // Read before anything opens: a wrong setting stops the start with one line, holding no database.
  const heartbeatEvery = options.heartbeatSeconds ?? heartbeatSeconds();
  const db = options.db ?? (await openServerDb({ home: options.home, databaseUrl: options.databaseUrl }));
  const live = await openLiveFeed(db);
  // On PostgreSQL, uploads lock through advisory locks so any process sharing the database may take an upload over.
  const pgLocker = !options.locker && db.url ? new PostgresAdvisoryLocker(db.url) : null;
  const blobs = createEvidenceStore({ db: db.db, live, directory: options.evidenceDir ?? join(options.home, 'evidence'), datastore: options.datastore, locker: options.locker ?? pgLocker ?? undefined });
  const secure = options.https !== undefined;
  const ctx: ServerContext = { db, blobs, live, version: serverVersion(), secure, heartbeatSeconds: heartbeatEvery };

  const app = Fastify({ logger: options.logger ?? false, ...(options.https ? { https: options.https } : {}), bodyLimit: 1024 * 1024, trustProxy: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, _req, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.code(400).send({ error: 'invalid', message: error.validation.map((v) => `${v.instancePath || '/'} ${v.message}`).join('; ').slice(0, 1000) });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 413) return reply.code(413).send({ error: 'too_large', message: 'the request body is over the limit for this route' });
    if (status === 429) return reply.code(429).send({ error: 'rate_limited', message: (error as Error).message });
    if (status === 403 && /csrf/i.test((error as Error).message)) return reply.code(403).send({ error: 'csrf', message: 'missing or invalid CSRF token (header x-csrf-token)' });
    if (status >= 500) app.log.error(error);
    return reply.code(status).send({ error: status >= 500 ? 'internal' : 'bad_request', message: status >= 500 ? 'internal error' : (error as Error).message });
  });

  await app.register(fastifyHelmet, { global: true });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyCookie, { secret: await setting(db.db, 'cookie_secret', () => randomBytes(32).toString('base64url')) });
  await app.register(fastifyWebsocket);
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'Vigil server', description: 'Sync protocol v1 (candidate devices) and the staff API', version: ctx.version } },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await installAuth(app, { db: db.db, secure });

  for (const plugin of [healthRoutes, authRoutes, examRoutes, syncRoutes, thumbnailRoutes, reportRoutes, sessionRoutes, liveRoutes]) await app.register(plugin, ctx);
  await app.register(proctoringRoutes, { ...ctx, home: options.home });
  // The console's own routes and files (server/console).
  for (const plugin of [examAdminRoutes, reviewRoutes, consoleRoutes]) await app.register(plugin, ctx);
  await app.register(publishRoutes, { ...ctx, home: options.home });

  // tus speaks raw HTTP: its PATCH bodies are left unparsed and the request handed over as it came.
  await app.register(async (tusScope) => {
    tusScope.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));
    const handle = (req: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      void blobs.tus.handle(req.raw, reply.raw);
    };
    tusScope.all(SYNC_ROUTES.evidence, { schema: { hide: true } }, handle);
    tusScope.all(`${SYNC_ROUTES.evidence}/*`, { schema: { hide: true } }, handle);
  });

  const stopWorker = options.analysisWorker ? startAnalysisWorker(db.db, { home: options.home, orphanAfterMs: db.kind === 'pglite' ? 0 : undefined }) : null;
  const retention = options.retention
    ? setInterval(() => void runRetention(db.db, (id) => blobs.remove(id)).catch((error: Error) => app.log.error(error)), 60 * 60_000).unref()
    : null;

  return {
    app,
    db,
    blobs,
    async close() {
      if (retention) clearInterval(retention);
      await stopWorker?.();
      await app.close();
      await live.close();
      await pgLocker?.close();
      if (!options.db) await db.close();
    },
  };
}
