/**
 * Staff authentication: cookie sessions (HttpOnly, SameSite=Strict, Secure under TLS), a CSRF token for every
 * state-changing request, and `requireRole` on each route. Candidate devices never use cookies: their routes
 * take the per-session bearer token (`requireSessionToken`).
 */
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../store/schema';
import { secretHash } from './secrets';

export const SESSION_COOKIE = 'vigil_session';
export const SESSION_HOURS = 12;

export interface StaffUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
}

export interface CandidateSession {
  readonly id: string;
  readonly examId: string;
  readonly clientSessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffUser | null;
    candidate: CandidateSession | null;
  }
}

export function sendError(reply: FastifyReply, status: number, error: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).send({ error, message, ...extra });
}

/** Installed on the root instance (not encapsulated), so every resource plugin sees `req.staff`. */
export async function installAuth(app: FastifyInstance, options: { db: Kysely<Database>; secure: boolean }): Promise<void> {
  const { db } = options;
  app.decorateRequest('staff', null);
  app.decorateRequest('candidate', null);
  await app.register(fastifyCsrf, {
    cookieKey: 'vigil_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: options.secure, signed: true },
    getToken: (req) => req.headers['x-csrf-token'] as string | undefined,
  });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const row = await db
      .selectFrom('user_sessions')
      .innerJoin('users', 'users.id', 'user_sessions.user_id')
      .select(['users.id', 'users.email', 'users.role', 'user_sessions.expires_at'])
      .where('user_sessions.token_hash', '=', secretHash(token))
      .executeTakeFirst();
    if (row && new Date(row.expires_at).getTime() > Date.now()) req.staff = { id: row.id, email: row.email, role: row.role };
  });
}

/** Staff only, with one of `roles`; POST/PUT/PATCH/DELETE also need the CSRF token (header `x-csrf-token`). */
export function requireRole(app: FastifyInstance, ...roles: Role[]): [preHandlerAsyncHookHandler, preHandlerHookHandler] {
  const role: preHandlerAsyncHookHandler = async function (req: FastifyRequest, reply: FastifyReply) {
    if (!req.staff) return sendError(reply, 401, 'unauthenticated', 'sign in first (POST /api/v1/auth/login)');
    if (!roles.includes(req.staff.role)) return sendError(reply, 403, 'forbidden', `this needs the role ${roles.join(' or ')}; you are ${req.staff.role}`);
  };
  const csrf: preHandlerHookHandler = function (req, reply, done) {
    if (req.method === 'GET' || req.method === 'HEAD') return done();
    app.csrfProtection(req, reply, done);
  };
  return [role, csrf];
}

/** Candidate routes: `Authorization: Bearer <sessionToken>` for exactly the session in the URL. */
export function requireSessionToken(db: Kysely<Database>): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest, reply: FastifyReply) {
    const session = await candidateFromHeader(db, req.headers.authorization);
    if (!session) return sendError(reply, 401, 'bad_token', 'missing, unknown or revoked session token');
    const wanted = (req.params as { id?: string }).id;
    if (wanted !== undefined && wanted !== session.id) return sendError(reply, 403, 'wrong_session', 'this token belongs to another session');
    req.candidate = session;
  };
}

export async function candidateFromHeader(db: Kysely<Database>, header: string | undefined): Promise<CandidateSession | null> {
  const match = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(header ?? '');
  if (!match) return null;
  const row = await db
    .selectFrom('sessions')
    .select(['id', 'exam_id', 'client_session_id'])
    .where('token_hash', '=', secretHash(match[1]!))
    .executeTakeFirst();
  return row ? { id: row.id, examId: row.exam_id, clientSessionId: row.client_session_id } : null;
}
