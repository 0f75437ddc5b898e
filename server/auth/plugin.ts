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
    /** Set when the candidate's token is still to be checked by the route's own statement (see requireSessionTokenInStatement). */
    candidateTokenHash: string | null;
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
  app.decorateRequest('candidateTokenHash', null);
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
    await checkSessionToken(db, req, reply);
  };
}

/** The full check: the token's hash looked up, the session compared with the URL's; false when it answered the refusal. */
export async function checkSessionToken(db: Kysely<Database>, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const session = await candidateFromHeader(db, req.headers.authorization);
  if (!session) {
    sendError(reply, 401, 'bad_token', 'missing, unknown or revoked session token');
    return false;
  }
  const wanted = (req.params as { id?: string }).id;
  if (wanted !== undefined && wanted !== session.id) {
    sendError(reply, 403, 'wrong_session', 'this token belongs to another session');
    return false;
  }
  req.candidate = session;
  req.candidateTokenHash = null;
  return true;
}

/**
 * For the two requests every candidate sends all exam long (heartbeats, event batches): when this process already
 * knows the session in the URL, `req.candidate` is set from what it remembers (the session's exam and client id,
 * which never change) and `req.candidateTokenHash` to the hash of the token sent, WITHOUT a lookup. The route's own
 * statement must then write only `WHERE id = :id AND token_hash = :candidateTokenHash`, and call
 * `checkSessionToken` when that touched nothing (it answers 401/403 as the full check does). Nothing is remembered
 * about tokens, so a revoked token stops working at once on every process. Otherwise this is the full check.
 */
export function requireSessionTokenInStatement(db: Kysely<Database>): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest, reply: FastifyReply) {
    const tokenHash = bearerTokenHash(req.headers.authorization);
    const known = knownSessions.get((req.params as { id?: string }).id ?? '');
    if (tokenHash && known) {
      req.candidate = known;
      req.candidateTokenHash = tokenHash;
      return;
    }
    await checkSessionToken(db, req, reply);
  };
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{43})$/;
/** Session id → its exam and client id, for sessions seen with a valid token (bounded; facts that never change). */
const knownSessions = new Map<string, CandidateSession>();
const KNOWN_SESSIONS_MAX = 100_000;

/** The stored form (sha256) of a well-formed bearer token in an Authorization header, else null. */
export function bearerTokenHash(header: string | undefined): string | null {
  const match = BEARER.exec(header ?? '');
  return match ? secretHash(match[1]!) : null;
}

export async function candidateFromHeader(db: Kysely<Database>, header: string | undefined): Promise<CandidateSession | null> {
  const tokenHash = bearerTokenHash(header);
  if (!tokenHash) return null;
  const row = await db.selectFrom('sessions').select(['id', 'exam_id', 'client_session_id']).where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return null;
  const session = { id: row.id, examId: row.exam_id, clientSessionId: row.client_session_id };
  if (knownSessions.size >= KNOWN_SESSIONS_MAX) knownSessions.clear();
  knownSessions.set(row.id, session);
  return session;
}
