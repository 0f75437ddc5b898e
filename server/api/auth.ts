import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SESSION_COOKIE, SESSION_HOURS, sendError } from '../auth/plugin';
import { DUMMY_PASSWORD_HASH, newSecret, secretHash, verifyPassword } from '../auth/secrets';
import type { ServerContext } from '../context';
import { ROLES } from '../store/schema';

const Login = z.object({ email: z.string().email().max(320), password: z.string().min(1).max(1024) }).strict();
const Me = z.object({ user: z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES) }), csrfToken: z.string() });
const ErrorBody = z.object({ error: z.string(), message: z.string() });

/** Staff sign-in: a rate-limited login that sets an HttpOnly, SameSite=Strict cookie and hands out a CSRF token. */
export const authRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;

  app.post(
    '/api/v1/auth/login',
    {
      // Five tries a minute per address: enough for typos, too few to guess a password.
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], summary: 'Sign in (sets the session cookie)', body: Login, response: { 200: Me, 401: ErrorBody } },
    },
    async (req, reply) => {
      const user = await db.selectFrom('users').selectAll().where('email', '=', req.body.email.toLowerCase()).executeTakeFirst();
      const ok = await verifyPassword(req.body.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
      if (!user || !ok) return sendError(reply, 401, 'bad_credentials', 'wrong email or password');
      const token = newSecret();
      await db.insertInto('user_sessions').values({ token_hash: secretHash(token), user_id: user.id, expires_at: new Date(Date.now() + SESSION_HOURS * 3600_000) }).execute();
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.secure, maxAge: SESSION_HOURS * 3600 });
      return { user: { id: user.id, email: user.email, role: user.role }, csrfToken: reply.generateCsrf() };
    },
  );

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user and a fresh CSRF token', response: { 200: Me, 401: ErrorBody } } }, async (req, reply) => {
    if (!req.staff) return sendError(reply, 401, 'unauthenticated', 'sign in first (POST /api/v1/auth/login)');
    return { user: req.staff, csrfToken: reply.generateCsrf() };
  });

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await db.deleteFrom('user_sessions').where('token_hash', '=', secretHash(token)).execute();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });
};
