/**
 * The analysis report, version 1 (DESIGN.md, Contracts): what `vigil analyze --out` writes, what is stored and
 * synced, and what the HTML view renders. Parsed with zod wherever it is read back.
 */
import { z } from 'zod';
import { ALERT_TYPES } from '../policy/policy';

export const REPORT_VERSION = 1;

const Stat = z.object({ mean: z.number(), variance: z.number() });

export const AlertSchema = z.object({
  type: z.enum(ALERT_TYPES),
  start: z.number(),
  end: z.number(),
  severity: z.enum(['info', 'warning', 'critical']),
  confidence: z.number().min(0).max(1),
  evidence: z.record(z.string(), z.unknown()),
});

export const TimelineSecond = z.object({
  t: z.number(),
  faceCount: z.number().nullable(),
  yaw: z.number().nullable(),
  gazeZone: z.string().nullable(),
  gazeH: z.number().nullable(),
  speech: z.number().nullable(),
  temporalScore: z.number().nullable(),
});
export type TimelineSecond = z.infer<typeof TimelineSecond>;

/** The circumstances of a live session, as recorded in its hash-chained events from its first second. */
export const LiveRecordSummary = z.object({
  shell: z.enum(['electron', 'browser']),
  policySha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The exam system check the candidate passed before the session (the doctor's checks in their words). */
  preflight: z.array(z.object({ id: z.string(), status: z.string(), summary: z.string() })),
  /** The OS lockdown as its shell reported it (the browser shell has none). */
  lockdown: z.record(z.string(), z.unknown()),
  devices: z.object({ camera: z.string().nullable(), microphone: z.string().nullable() }),
  /** Stretches when no engine was recording (it was killed or crashed), each also an alert. */
  interruptions: z.array(z.object({ start: z.number(), end: z.number(), lengthSec: z.number(), measuredBy: z.enum(['monotonic', 'wall']) })),
  clockChanges: z.array(z.object({ t: z.number(), jumpSec: z.number() })),
  quitAttempts: z.object({ refused: z.number().int(), accepted: z.number().int() }),
  /** Capture devices plugged in or out, or a camera or microphone track that ended, as the page reported them. */
  deviceChanges: z.array(z.object({ t: z.number(), change: z.string(), kind: z.string(), labels: z.array(z.string()) })),
  /** Key combinations the OS lock held back (key_combo signals with blocked). */
  refusedShortcuts: z.number().int(),
  /** The session's event chain when the report was made: rows and head hash (it verified). */
  chain: z.object({ events: z.number().int(), head: z.string() }),
});
export type LiveRecordSummary = z.infer<typeof LiveRecordSummary>;

export const Report = z.object({
  version: z.literal(REPORT_VERSION),
  sessionId: z.string(),
  createdAt: z.string(),
  source: z.string(),
  studentId: z.string().nullable(),
  examId: z.string().nullable(),
  durationSec: z.number().nonnegative(),
  media: z.object({ video: z.boolean(), audio: z.boolean(), framesAnalysed: z.number().int(), processingFps: z.number() }),
  calibration: z.object({
    status: z.enum(['SUCCESS', 'FAILED', 'SKIPPED']),
    seconds: z.number(),
    framesAccepted: z.number().int(),
    framesSeen: z.number().int(),
    baseline: z.object({ yaw: Stat, pitch: Stat, roll: Stat, eye: Stat, gazeH: Stat, gazeV: Stat }).nullable(),
    thresholds: z.object({ yawDeg: z.number(), pitchDeg: z.number(), gazeH: z.number(), gazeV: z.number() }),
    reasons: z.array(z.string()),
  }),
  alerts: z.array(AlertSchema),
  intervals: z.array(
    z.object({
      start: z.number(),
      end: z.number(),
      score: z.number(),
      flagged: z.boolean(),
      flaggedAt: z.number().nullable(),
      contributions: z.record(z.string(), z.object({ count: z.number(), points: z.number() })),
    }),
  ),
  risk: z.object({
    score: z.number().min(0).max(1),
    level: z.enum(['CLEAN', 'BORDERLINE', 'SUSPICIOUS', 'HIGH_RISK']),
    contributions: z.array(z.object({ type: z.string(), weight: z.number(), evidence: z.number(), alerts: z.number() })),
  }),
  highActivityPeriods: z.array(z.object({ start: z.number(), end: z.number(), alerts: z.number(), types: z.array(z.string()) })),
  summaries: z.object({
    engagement: z.object({ mean: z.number().nullable(), lowShare: z.number().nullable() }),
    eyeContact: z.object({ share: z.number().nullable() }),
    emotions: z.record(z.string(), z.number()),
    framesWithFace: z.number().int(),
    frames: z.number().int(),
  }),
  segments: z.array(z.object({ id: z.number().int(), start: z.number(), end: z.number(), reason: z.string(), sha256: z.string(), size: z.number().int() })),
  timeline: z.array(TimelineSecond),
  /** Detectors that were on in the policy but could not run, and why (e.g. models not built). */
  notes: z.array(z.string()),
  /** A live session's record: where and how it ran, and what interfered with it (absent for a file). */
  record: LiveRecordSummary.optional(),
});
export type Report = z.infer<typeof Report>;
