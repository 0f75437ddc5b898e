/**
 * Review (the console): a session's flags apart from its milestones, each with its evidence and current
 * decision; append-only reviews with a version check; per-exam review stats; exports of review outcomes (CSV,
 * JSON) and of reviewer-labelled segments in the shape `vigil train export` reads (temporal/reviewer-labels.ts).
 */
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole, sendError, type StaffUser } from '../auth/plugin';
import type { ServerContext } from '../context';
import { audit } from '../store/exams';
import { appendReview, currentDecisions, flagsOf, ReviewConflict, reviewsOf } from '../store/reviews';
import { FLAG_DECISIONS, SESSION_REVIEW_STATUSES } from '../store/schema';
import { checkChain, evidenceOf } from './reports';
import { Review, ReviewView } from './review-view';
import { maySeeExam } from './visibility';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const NOT_A_VERDICT = 'a flag is a reason to look, not a verdict';

export const reviewRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  const { db } = ctx.db;
  const staff = requireRole(app, 'admin', 'invigilator', 'reviewer');
  const reviewer = requireRole(app, 'admin', 'reviewer');

  async function visibleSession(staffUser: StaffUser, id: string) {
    const s = await db.selectFrom('sessions').select(['id', 'exam_id', 'student_id', 'client_session_id', 'status']).where('id', '=', id).executeTakeFirst();
    return s && (await maySeeExam(db, staffUser, s.exam_id)) ? s : null;
  }

  app.get(
    '/api/v1/sessions/:id/review',
    { preHandler: staff, schema: { tags: ['reviews'], summary: "A session's flags (with evidence and decisions), milestones, chain check, risk and reviews", params: z.object({ id: z.uuid() }), response: { 200: ReviewView, 404: ErrorBody } } },
    async (req, reply) => {
      const s = await visibleSession(req.staff!, req.params.id);
      if (!s) return sendError(reply, 404, 'not_found', 'no such session');
      const { flags, milestones, report } = await flagsOf(db, s.id);
      const reviews = await reviewsOf(db, [s.id]);
      const decisions = currentDecisions(reviews);
      const evidence = await evidenceOf(db, s.id);
      return {
        session: { id: s.id, examId: s.exam_id, studentId: s.student_id, status: s.status },
        notice: NOT_A_VERDICT,
        chain: await checkChain(db, s.id),
        risk: report?.risk ?? null,
        calibration: report ? { status: report.calibration.status, baseline: report.calibration.baseline, thresholds: report.calibration.thresholds } : null,
        flags: flags.map((f) => ({ ...f, evidence: evidence.filter((e) => f.segmentIds.includes(e.segmentId)), decision: decisions.get(f.key) ?? null })),
        milestones,
        status: decisions.get(null)?.decision ?? 'not_reviewed',
        version: reviews.at(-1)?.version ?? 0,
        reviews: reviews.map(({ sessionId: _s, ...r }) => r),
      };
    },
  );

  app.post(
    '/api/v1/sessions/:id/reviews',
    {
      preHandler: reviewer,
      schema: {
        tags: ['reviews'],
        summary: 'Append a review: a decision on one flag, or the session review status (flagKey null); refused when someone reviewed since expectedVersion',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            flagKey: z.string().regex(/^(alert|interval|event):[0-9.]{1,20}$/, 'flagKey: alert:N, interval:T or event:N').nullable(),
            decision: z.enum([...FLAG_DECISIONS, ...SESSION_REVIEW_STATUSES]),
            note: z.string().max(4000).default(''),
            expectedVersion: z.number().int().min(0),
          })
          .strict(),
        response: { 201: z.object({ version: z.number() }), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody.extend({ current: Review }) },
      },
    },
    async (req, reply) => {
      const s = await visibleSession(req.staff!, req.params.id);
      if (!s) return sendError(reply, 404, 'not_found', 'no such session');
      const { flagKey, decision, note, expectedVersion } = req.body;
      const forFlag = (FLAG_DECISIONS as readonly string[]).includes(decision);
      if (forFlag !== (flagKey !== null)) return sendError(reply, 400, 'bad_decision', forFlag ? 'decision: confirmed and dismissed are for a flag (give flagKey)' : 'decision: a review status is for the whole session (flagKey null)');
      if (flagKey !== null && !(await flagsOf(db, s.id)).flags.some((f) => f.key === flagKey)) return sendError(reply, 404, 'not_found', `flagKey: this session has no flag ${flagKey}`);
      try {
        const version = await appendReview(db, s.id, { flagKey, decision, note, reviewer: req.staff!.email, expectedVersion });
        await audit(db, req.staff!.email, `review.${decision}`, `${s.id} ${flagKey ?? 'session'}`);
        return reply.code(201).send({ version });
      } catch (error) {
        if (error instanceof ReviewConflict) return reply.code(409).send({ error: 'review_changed', message: error.message, current: error.current });
        if (/duplicate key|unique/i.test((error as Error).message)) return sendError(reply, 409, 'review_changed', 'another reviewer saved at the same moment; look again before deciding');
        if (/^expectedVersion/.test((error as Error).message)) return sendError(reply, 400, 'bad_version', (error as Error).message);
        throw error;
      }
    },
  );

  /** Every flag of an exam's sessions with its current decision: what stats and exports are made of. */
  async function examOutcomes(examId: string) {
    const sessions = await db.selectFrom('sessions').select(['id', 'student_id', 'client_session_id']).where('exam_id', '=', examId).orderBy('started_at').limit(2000).execute();
    const reviews = await reviewsOf(db, sessions.map((s) => s.id));
    const out = [];
    for (const s of sessions) {
      const mine = reviews.filter((r) => r.sessionId === s.id);
      const decisions = currentDecisions(mine);
      const { flags } = await flagsOf(db, s.id);
      out.push({ session: s, status: decisions.get(null)?.decision ?? 'not_reviewed', reviews: mine, flags: flags.map((f) => ({ ...f, decision: decisions.get(f.key) ?? null })) });
    }
    return out;
  }

  const ExamParams = z.object({ examId: z.uuid() });

  app.get(
    '/api/v1/exams/:examId/review-stats',
    {
      preHandler: staff,
      schema: {
        tags: ['reviews'],
        summary: 'Flags per detector and how reviewers decided them (the confirmation rate an institution tunes by); sessions per review status',
        params: ExamParams,
        response: {
          200: z.object({ detectors: z.array(z.object({ detector: z.string(), flags: z.number(), confirmed: z.number(), dismissed: z.number(), confirmationRate: z.number().nullable() })), statuses: z.record(z.string(), z.number()) }),
          404: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      if (!(await maySeeExam(db, req.staff!, req.params.examId))) return sendError(reply, 404, 'not_found', 'no such exam');
      const outcomes = await examOutcomes(req.params.examId);
      const byDetector = new Map<string, { flags: number; confirmed: number; dismissed: number }>();
      const statuses: Record<string, number> = Object.fromEntries(SESSION_REVIEW_STATUSES.map((s) => [s, 0]));
      for (const o of outcomes) {
        statuses[o.status] = (statuses[o.status] ?? 0) + 1;
        for (const f of o.flags) {
          const d = byDetector.get(f.detector) ?? { flags: 0, confirmed: 0, dismissed: 0 };
          d.flags += 1;
          if (f.decision?.decision === 'confirmed') d.confirmed += 1;
          if (f.decision?.decision === 'dismissed') d.dismissed += 1;
          byDetector.set(f.detector, d);
        }
      }
      const detectors = [...byDetector].map(([detector, d]) => ({ detector, ...d, confirmationRate: d.confirmed + d.dismissed ? d.confirmed / (d.confirmed + d.dismissed) : null })).sort((a, b) => b.flags - a.flags);
      return { detectors, statuses };
    },
  );

  app.get(
    '/api/v1/exams/:examId/review-export',
    {
      preHandler: staff,
      schema: {
        tags: ['reviews'],
        summary: 'Review outcomes as CSV or JSON (every review, append-only history), or reviewer-labelled segments for `vigil train export` (format=labels)',
        params: ExamParams,
        querystring: z.object({ format: z.enum(['csv', 'json', 'labels']) }),
      },
    },
    async (req, reply) => {
      if (!(await maySeeExam(db, req.staff!, req.params.examId))) return sendError(reply, 404, 'not_found', 'no such exam');
      const outcomes = await examOutcomes(req.params.examId);
      const file = `exam-${req.params.examId}-${req.query.format === 'labels' ? 'reviewer-labels.json' : `reviews.${req.query.format}`}`;
      reply.header('content-disposition', `attachment; filename="${file}"`);
      if (req.query.format === 'labels') {
        // ReviewerLabel (app/engine/temporal/reviewer-labels.ts): the client's session id, seconds on its clock.
        const labels = outcomes.flatMap((o) =>
          o.flags.filter((f) => f.decision).map((f) => ({ sessionId: o.session.client_session_id, start: f.start, end: f.end, cheating: f.decision!.decision === 'confirmed', reviewer: f.decision!.reviewer })),
        );
        return reply.type('application/json').send(labels);
      }
      const rows = outcomes.flatMap((o) =>
        o.reviews.map((r) => {
          const flag = o.flags.find((f) => f.key === r.flagKey);
          return { sessionId: o.session.id, studentId: o.session.student_id, version: r.version, flagKey: r.flagKey ?? '', detector: flag?.detector ?? '', start: flag?.start ?? '', end: flag?.end ?? '', decision: r.decision, note: r.note, reviewer: r.reviewer, at: r.at };
        }),
      );
      if (req.query.format === 'json') return reply.type('application/json').send({ examId: req.params.examId, notice: NOT_A_VERDICT, reviews: rows });
      return reply.type('text/csv; charset=utf-8').send(stringify(rows, { header: true, columns: ['sessionId', 'studentId', 'version', 'flagKey', 'detector', 'start', 'end', 'decision', 'note', 'reviewer', 'at'] }));
    },
  );
};
