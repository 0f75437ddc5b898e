/**
 * Publishing an exam: the server signs its config (policy with the quit password hash, server URL, a fresh
 * enrolment token, expiry) with the institution's Ed25519 key (`vigil-server init`, server/keys.ts) in the
 * trusted-configs format (app/engine/config/signed-config.ts), and hands it back as a `.vigil-exam` file and as a
 * `vigil://exam/config/...` link holding the same signed text (examConfigLink).
 * Publishing issues a new enrolment token: the one in the file is the one that works from then on.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { examConfigLink, keyId, signExamConfig } from '../../app/engine/config/signed-config';
import { requireRole, sendError } from '../auth/plugin';
import { newSecret, secretHash } from '../auth/secrets';
import type { ServerContext } from '../context';
import { ensureSigningKeys } from '../keys';
import { audit } from '../store/exams';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const Refusal = ErrorBody.extend({ field: z.string(), rule: z.string() });

export const publishRoutes: FastifyPluginAsyncZod<ServerContext & { home: string }> = async (app, ctx) => {
  const { db } = ctx.db;

  app.post(
    '/api/v1/exams/:examId/publish',
    {
      preHandler: requireRole(app, 'admin'),
      schema: {
        tags: ['exams'],
        summary: 'Sign the exam config with the institution key; returns the .vigil-exam file text and the same as a vigil:// link (a new enrolment token inside)',
        params: z.object({ examId: z.uuid() }),
        body: z.object({ serverUrl: z.url().max(500), days: z.number().int().min(1).max(365).default(30) }).strict(),
        response: { 200: z.object({ config: z.string(), link: z.string(), fileName: z.string(), kid: z.string(), expiresAt: z.string() }), 400: Refusal, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const exam = await db.selectFrom('exams').select(['id', 'name', 'policy']).where('id', '=', req.params.examId).executeTakeFirst();
      if (!exam) return sendError(reply, 404, 'not_found', 'no such exam');
      const policy = (typeof exam.policy === 'string' ? JSON.parse(exam.policy) : exam.policy) as { allowedOrigins?: string[] };
      // A candidate's browser opens nothing but the allowed sites: without one the exam could not start.
      if (!policy.allowedOrigins?.length) return reply.code(400).send({ error: 'bad_policy', field: 'allowedOrigins', rule: 'a published exam needs at least one allowed exam site', message: 'allowedOrigins: a published exam needs at least one allowed exam site' });
      const keys = ensureSigningKeys(ctx.home);
      const publicKey = createPublicKey(readFileSync(keys.publicKey, 'utf8')).export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
      const kid = await keyId(publicKey);
      const enrolmentToken = newSecret();
      const iat = Math.floor(Date.now() / 1000);
      const exp = iat + req.body.days * 86_400;
      const config = await signExamConfig({ v: 1, examId: exam.id, mode: 'exam', policy, server: { url: req.body.serverUrl }, enrolmentToken, iat, exp }, readFileSync(keys.privateKey, 'utf8'), kid);
      await db.updateTable('exams').set({ enrolment_token_hash: secretHash(enrolmentToken) }).where('id', '=', exam.id).execute();
      await audit(db, req.staff!.email, 'exam.publish', `${exam.id} ${kid}`);
      const slug = exam.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'exam';
      return { config, link: examConfigLink(config), fileName: `${slug}.vigil-exam`, kid, expiresAt: new Date(exp * 1000).toISOString() };
    },
  );
};
