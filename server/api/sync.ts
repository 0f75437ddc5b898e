/**
 * The candidate side of the sync protocol (app/engine/sync/protocol.ts): enrolment, event batches re-verified
 * against the chain held so far (which was verified from genesis as it arrived), the report, heartbeats with
 * instructions. Every route but enrolment takes the session's bearer token and can touch only that session.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { canonicalJson } from '../../app/engine/storage/canonical-json';
import { GENESIS, verifyLinks } from '../../app/engine/storage/hash-chain';
import {
  EnrolRequest,
  EnrolResponse,
  EventAck,
  EventBatch,
  Heartbeat,
  HeartbeatResponse,
  ReportUpload,
  SYNC_LIMITS,
  SYNC_PROTOCOL_VERSION,
  SYNC_ROUTES,
  SyncError,
} from '../../app/engine/sync/protocol';
import { checkSessionToken, requireSessionToken, requireSessionTokenInStatement, sendError } from '../auth/plugin';
import { appendContinuingBatch, recordHeartbeat } from '../store/session-writes';
import { newSecret, secretHash } from '../auth/secrets';
import type { ServerContext } from '../context';

const SessionParams = z.object({ id: z.uuid() });

type Refusal = { status: number; error: string; message: string; ackSeq?: number; firstBadSeq?: number };

export const syncRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;
  const bearer = requireSessionToken(db);
  const bearerInStatement = requireSessionTokenInStatement(db);

  app.post(
    SYNC_ROUTES.enrol,
    { schema: { tags: ['sync'], summary: 'Register a candidate session with the exam enrolment token', body: EnrolRequest, response: { 200: EnrolResponse, 401: SyncError, 409: SyncError } } },
    async (req, reply) => {
      const body = req.body;
      const exam = await db.selectFrom('exams').select('id').where('enrolment_token_hash', '=', secretHash(body.examToken)).executeTakeFirst();
      if (!exam) return sendError(reply, 401, 'bad_exam_token', 'unknown exam enrolment token');
      const token = newSecret();
      const existing = await db.selectFrom('sessions').select(['id', 'enrol_secret_hash']).where('exam_id', '=', exam.id).where('client_session_id', '=', body.clientSessionId).executeTakeFirst();
      let sessionId: string;
      if (existing) {
        // The same client asking again (its answer was lost): a new token for the same session, the old one revoked.
        if (existing.enrol_secret_hash !== secretHash(body.enrolSecret)) return sendError(reply, 409, 'session_taken', 'this session id is already enrolled by another client');
        await db.updateTable('sessions').set({ token_hash: secretHash(token) }).where('id', '=', existing.id).execute();
        sessionId = existing.id;
      } else {
        sessionId = randomUUID();
        await db
          .insertInto('sessions')
          .values({
            id: sessionId,
            exam_id: exam.id,
            client_session_id: body.clientSessionId,
            enrol_secret_hash: secretHash(body.enrolSecret),
            token_hash: secretHash(token),
            student_id: body.candidate.studentId,
            candidate_name: body.candidate.name ?? null,
            device: JSON.stringify(body.device),
            engine_version: body.engineVersion,
            started_at: body.startedAt,
            head_hash: GENESIS,
          })
          .execute();
        await ctx.live.publish(exam.id, { type: 'session.enrolled', sessionId, studentId: body.candidate.studentId });
      }
      return { protocol: SYNC_PROTOCOL_VERSION, sessionId, sessionToken: token, examId: exam.id, heartbeatSeconds: ctx.heartbeatSeconds } as const;
    },
  );

  app.post(
    '/api/v1/sync/sessions/:id/events',
    {
      bodyLimit: SYNC_LIMITS.batchBytes,
      preHandler: bearerInStatement,
      schema: { tags: ['sync'], summary: 'Append a batch of hash-chained events; answers the last sequence number held', params: SessionParams, body: EventBatch, response: { 200: EventAck, 409: SyncError, 413: SyncError } },
    },
    async (req, reply) => {
      const candidate = req.candidate!;
      const events = req.body.events;
      const payloads = events.map((e) => canonicalJson(e.payload ?? null));
      const tooBig = payloads.findIndex((p) => p.length > SYNC_LIMITS.eventPayloadBytes);
      const authenticated = async () => req.candidateTokenHash === null || (await checkSessionToken(db, req, reply));
      if (tooBig >= 0) {
        if (!(await authenticated())) return reply;
        return sendError(reply, 413, 'event_too_large', `event ${events[tooBig]!.seq}'s payload is over ${SYNC_LIMITS.eventPayloadBytes} bytes`);
      }

      // The usual batch continues the held head: its links are checked here, that it continues the head in the
      // database (and the token, when not checked yet), in one statement. Whatever that refuses goes the careful way
      // below, after the full token check, which says why.
      if (verifyLinks(candidate.clientSessionId, events[0]!.prevHash, events).ok && (await appendContinuingBatch(db, candidate.id, req.candidateTokenHash, events, payloads))) {
        const last = events.at(-1)!;
        return { ackSeq: last.seq, head: last.hash };
      }
      if (!(await authenticated())) return reply;

      const outcome = await db.transaction().execute(async (tx): Promise<Refusal | { ackSeq: number; head: string }> => {
        const session = await tx.selectFrom('sessions').select(['ack_seq', 'head_hash', 'chain_status', 'chain_broken_seq', 'claimed_head_seq', 'claimed_head_hash']).where('id', '=', candidate.id).forUpdate().executeTakeFirstOrThrow();
        const ackSeq = session.ack_seq;
        if (session.chain_status === 'broken') {
          return { status: 409, error: 'chain_broken', message: 'this session\'s event chain is marked broken; nothing more is appended', ackSeq, firstBadSeq: session.chain_broken_seq ?? undefined };
        }
        const broken = async (seq: number, reason: string): Promise<Refusal> => {
          await tx.updateTable('sessions').set({ chain_status: 'broken', chain_broken_seq: seq, chain_broken_reason: reason }).where('id', '=', candidate.id).execute();
          return { status: 409, error: 'chain_broken', message: `event ${seq}: ${reason}`, ackSeq, firstBadSeq: seq };
        };

        // Events the server already holds must be the very same ones: a resend is a no-op, a rewrite is caught.
        const held = events.filter((e) => e.seq <= ackSeq);
        if (held.length) {
          const stored = await tx.selectFrom('events').select(['seq', 'hash']).where('session_id', '=', candidate.id).where('seq', '>=', held[0]!.seq).where('seq', '<=', held.at(-1)!.seq).execute();
          const bySeq = new Map(stored.map((s) => [s.seq, s.hash]));
          const differs = held.find((e) => bySeq.get(e.seq) !== e.hash);
          if (differs) return broken(differs.seq, 'differs from the event acknowledged earlier (the log was rewritten)');
        }
        const fresh = events.filter((e) => e.seq > ackSeq);
        if (!fresh.length) return { ackSeq, head: session.head_hash };
        if (fresh[0]!.seq !== ackSeq + 1) return { status: 409, error: 'gap', message: `the next event must be ${ackSeq + 1}, not ${fresh[0]!.seq}`, ackSeq };

        const verdict = verifyLinks(candidate.clientSessionId, session.head_hash, fresh);
        if (!verdict.ok) return broken(fresh[verdict.index]!.seq, verdict.reason);
        const claimed = session.claimed_head_seq;
        if (claimed !== null) {
          const atClaim = fresh.find((e) => e.seq === claimed);
          if (atClaim && atClaim.hash !== session.claimed_head_hash) return broken(claimed, 'differs from the chain head the client reported in a heartbeat (the log was rewritten)');
        }
        await tx
          .insertInto('events')
          .values(fresh.map((e) => ({ session_id: candidate.id, seq: e.seq, t: e.t, type: e.type, payload: canonicalJson(e.payload ?? null), prev_hash: e.prevHash, hash: e.hash })))
          .execute();
        const last = fresh.at(-1)!;
        await tx.updateTable('sessions').set({ ack_seq: last.seq, head_hash: last.hash }).where('id', '=', candidate.id).execute();
        return { ackSeq: last.seq, head: last.hash };
      });
      if ('status' in outcome) {
        const { status, ...body } = outcome;
        if (body.error === 'chain_broken') await ctx.live.publish(candidate.examId, { type: 'session.chain_broken', sessionId: candidate.id, firstBadSeq: body.firstBadSeq });
        return reply.code(status as 409).send(body);
      }
      return outcome;
    },
  );

  app.put(
    '/api/v1/sync/sessions/:id/report',
    {
      bodyLimit: 16 * 1024 * 1024,
      preHandler: bearer,
      schema: { tags: ['sync'], summary: 'The final report (v1) or an interim summary; sending it again changes nothing', params: SessionParams, body: ReportUpload, response: { 200: z.object({ stored: z.boolean() }), 400: SyncError } },
    },
    async (req, reply) => {
      const candidate = req.candidate!;
      const body = req.body;
      if (body.kind === 'interim') {
        await db.insertInto('interim_summaries').values({ session_id: candidate.id, t: body.summary.t, summary: JSON.stringify(body.summary) }).onConflict((oc) => oc.doNothing()).execute();
        return { stored: true };
      }
      const report = body.report;
      if (report.sessionId !== candidate.clientSessionId) return sendError(reply, 400, 'wrong_session', 'the report names another session');
      const inserted = await db
        .insertInto('reports')
        .values({ session_id: candidate.id, report: JSON.stringify(report), risk_score: report.risk.score, risk_level: report.risk.level, flagged_intervals: report.intervals.filter((i) => i.flagged).length })
        .onConflict((oc) => oc.column('session_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      await db.updateTable('sessions').set({ status: 'finished', ended_at: sql<Date>`coalesce(ended_at, now())` }).where('id', '=', candidate.id).execute();
      if (inserted) await ctx.live.publish(candidate.examId, { type: 'session.report', sessionId: candidate.id, riskLevel: report.risk.level });
      return { stored: inserted !== undefined };
    },
  );

  app.post(
    '/api/v1/sync/sessions/:id/heartbeat',
    { preHandler: bearerInStatement, schema: { tags: ['sync'], summary: 'Liveness, scores and chain head; may answer with an instruction', params: SessionParams, body: Heartbeat, response: { 200: HeartbeatResponse } } },
    async (req, reply) => {
      const candidate = req.candidate!;
      const hb = req.body;
      if (hb.confirmed.length) {
        if (req.candidateTokenHash !== null && !(await checkSessionToken(db, req, reply))) return reply;
        const ids = hb.confirmed.filter((id) => z.uuid().safeParse(id).success);
        if (ids.length) await db.updateTable('instructions').set({ confirmed_at: new Date() }).where('session_id', '=', candidate.id).where('id', 'in', ids).where('confirmed_at', 'is', null).execute();
      }
      let recorded = await recordHeartbeat(db, candidate.id, req.candidateTokenHash, hb);
      if (!recorded && req.candidateTokenHash !== null) {
        // The token did not match in the statement: the full check says why (or it was re-issued meanwhile).
        if (!(await checkSessionToken(db, req, reply))) return reply;
        recorded = await recordHeartbeat(db, candidate.id, null, hb);
      }
      if (!recorded) throw new Error('the session disappeared during its heartbeat');
      const { instruction } = recorded;
      await ctx.live.publish(candidate.examId, { type: 'heartbeat', sessionId: candidate.id, riskLevel: hb.riskLevel, intervalScore: hb.intervalScore, pendingOutbox: hb.pendingOutbox, warnings: hb.activeWarnings });
      return { serverTime: new Date().toISOString(), heartbeatSeconds: ctx.heartbeatSeconds, instruction: instruction ? { id: instruction.id, kind: instruction.kind, ...(instruction.message ? { message: instruction.message } : {}) } : null };
    },
  );
};
