/**
 * What a reviewer is shown of one session (`GET /api/v1/sessions/:id/review`), described once: the route answers
 * with this schema, the store builds its flags and reviews in these shapes, and the console takes its types from
 * here (type imports only, so neither zod nor the engine's report schema enter the console's bundle).
 */
import { z } from 'zod';
import { Report } from '../../app/engine/report/report';

/** The session's stored events walked from genesis, as a reviewer would want before trusting a report. */
export const ChainCheck = z.object({ verified: z.boolean(), events: z.number(), status: z.enum(['ok', 'broken']), firstBadSeq: z.number().nullable(), reason: z.string().nullable() });

export const EvidenceItem = z.object({ id: z.string(), segmentId: z.number(), sha256: z.string(), bytes: z.number(), mime: z.string(), verified: z.boolean(), status: z.string() });

/** A reason to look (an alert or a flagged interval of the report, or an alert event before the report came). */
export const Flag = z.object({
  key: z.string(),
  kind: z.enum(['alert', 'interval']),
  /** The alert type, or for an interval the warning type that gave it the most points. */
  detector: z.string(),
  start: z.number(),
  end: z.number(),
  severity: z.string().nullable(),
  confidence: z.number().nullable(),
  /** What was measured, in the engine's own words and values (thresholds, baseline). */
  explanation: z.record(z.string(), z.unknown()),
  segmentIds: z.array(z.number()),
});
export type Flag = z.infer<typeof Flag>;

export const Milestone = z.object({ t: z.number(), type: z.string() });
export type Milestone = z.infer<typeof Milestone>;

/** One append-only review: a decision on a flag, or the session's review status (flagKey null). */
export const Review = z.object({ version: z.number(), flagKey: z.string().nullable(), decision: z.string(), note: z.string(), reviewer: z.string(), at: z.string() });

export const FlagView = Flag.extend({ evidence: z.array(EvidenceItem), decision: Review.extend({ sessionId: z.string() }).nullable() });
export type FlagView = z.infer<typeof FlagView>;

export const ReviewView = z.object({
  session: z.object({ id: z.string(), examId: z.string(), studentId: z.string(), status: z.string() }),
  notice: z.string(),
  chain: ChainCheck,
  risk: Report.shape.risk.nullable(),
  calibration: Report.shape.calibration.pick({ status: true, baseline: true, thresholds: true }).nullable(),
  flags: z.array(FlagView),
  milestones: z.array(Milestone),
  status: z.string(),
  version: z.number(),
  reviews: z.array(Review),
});
export type ReviewView = z.infer<typeof ReviewView>;
