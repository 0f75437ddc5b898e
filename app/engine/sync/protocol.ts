/**
 * The sync protocol between a Vigil client and the institution's server, version 1 (README: "Sync protocol").
 * One zod file shared by both sides: the client builds its messages from these schemas and the server parses
 * every request with them. It imports only pure modules (zod, the report schema), because the server may import
 * this file and nothing else of the engine besides the report and policy schemas and the hash chain.
 *
 * Every message is idempotent: sending it twice changes nothing on the server.
 */
import { z } from 'zod';
import { Report } from '../report/report';

export const SYNC_PROTOCOL_VERSION = 1;

/** Routes, relative to the server's base URL. `:id` is the server's session id returned by enrolment. */
export const SYNC_ROUTES = {
  health: '/api/v1/health',
  enrol: '/api/v1/sync/enrol',
  events: (id: string) => `/api/v1/sync/sessions/${encodeURIComponent(id)}/events`,
  report: (id: string) => `/api/v1/sync/sessions/${encodeURIComponent(id)}/report`,
  heartbeat: (id: string) => `/api/v1/sync/sessions/${encodeURIComponent(id)}/heartbeat`,
  /** A live thumbnail (policy `liveView: thumbnails` only); its own message and sender, apart from heartbeats. */
  thumbnail: (id: string) => `/api/v1/sync/sessions/${encodeURIComponent(id)}/thumbnail`,
  /** tus endpoint (creation, PATCH, HEAD); the upload URL it returns is kept by the client. */
  evidence: '/api/v1/sync/evidence',
} as const;

/** Limits both sides know: a client never builds a bigger batch, a server refuses one. */
export const SYNC_LIMITS = {
  eventsPerBatch: 500,
  batchBytes: 1024 * 1024,
  eventPayloadBytes: 64 * 1024,
  evidenceBytes: 512 * 1024 * 1024,
} as const;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
/** Ids that go into paths and file names: letters, digits, '-' and '_' only, so no path trick gets through. */
export const SafeId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, - and _ only');
const Protocol = z.literal(SYNC_PROTOCOL_VERSION);

/** `Authorization: Bearer <sessionToken>`: 256 random bits, base64url, issued once per session at enrolment. */
export const SessionToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, '256 bits in base64url');

// --- enrolment -----------------------------------------------------------------------------------------------

export const EnrolRequest = z
  .object({
    protocol: Protocol,
    /** The exam's enrolment token from the (signed) exam config. */
    examToken: z.string().min(16).max(256),
    /** The client's own session id: the hash chain covers it, so the server verifies with it. */
    clientSessionId: SafeId,
    /**
     * A secret the client keeps with the session: enrolling again with the same one (the answer got lost) issues
     * a new token for the same session; anyone else claiming this clientSessionId is refused.
     */
    enrolSecret: z.string().regex(/^[A-Za-z0-9_-]{22,86}$/),
    candidate: z.object({ studentId: z.string().min(1).max(200), name: z.string().max(200).optional() }).strict(),
    device: z.object({ platform: z.string().max(40), arch: z.string().max(40), release: z.string().max(100), hostname: z.string().max(255).optional() }).strict(),
    engineVersion: z.string().max(40),
    startedAt: z.iso.datetime(),
  })
  .strict();
export type EnrolRequest = z.infer<typeof EnrolRequest>;

/**
 * How often a live session sends its heartbeat: the server states it at enrolment (`heartbeatSeconds`), within
 * these bounds. The client clamps what it is told into them (`heartbeatInterval`), so a broken or hostile server
 * can neither make it spin (a heartbeat every millisecond) nor go silent (one a day).
 */
export const HEARTBEAT_BOUNDS = { minSec: 1, maxSec: 60, defaultSec: 5 } as const;

/** What a server may state: whole seconds within the bounds. The server's answer schema and its config use it. */
export const HeartbeatSeconds = z.number().int().min(HEARTBEAT_BOUNDS.minSec).max(HEARTBEAT_BOUNDS.maxSec);

/** The interval the client uses for what the server stated: a finite number clamped into the bounds, else the default. */
export function heartbeatInterval(stated: unknown): number {
  const parsed = z.number().finite().positive().safeParse(stated);
  if (!parsed.success) return HEARTBEAT_BOUNDS.defaultSec;
  return Math.min(HEARTBEAT_BOUNDS.maxSec, Math.max(HEARTBEAT_BOUNDS.minSec, parsed.data));
}

export const EnrolResponse = z.object({
  protocol: Protocol,
  sessionId: z.string(),
  sessionToken: SessionToken,
  examId: z.string(),
  heartbeatSeconds: HeartbeatSeconds,
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

/**
 * The client reads an enrolment with this: the same answer, but a stated interval out of bounds or missing does not
 * cost the session its enrolment (the token is good); `heartbeatInterval` clamps it instead.
 */
export const EnrolAnswer = EnrolResponse.extend({ heartbeatSeconds: z.unknown() });
export type EnrolAnswer = z.infer<typeof EnrolAnswer>;

// --- events --------------------------------------------------------------------------------------------------

/** One row of the client's hash chain; `seq` counts the session's events from 1. */
export const ChainedEvent = z
  .object({
    seq: z.number().int().positive(),
    t: z.number().finite(),
    type: z.string().min(1).max(100),
    payload: z.unknown(),
    prevHash: Sha256,
    hash: Sha256,
  })
  .strict();
export type ChainedEvent = z.infer<typeof ChainedEvent>;

export const EventBatch = z
  .object({ protocol: Protocol, events: z.array(ChainedEvent).min(1).max(SYNC_LIMITS.eventsPerBatch) })
  .strict()
  .refine((b) => b.events.every((e, i) => i === 0 || e.seq === b.events[i - 1]!.seq + 1), 'events must be consecutive by seq');
export type EventBatch = z.infer<typeof EventBatch>;

/** The server holds every event up to and including `ackSeq`, verified from genesis; `head` is its hash. */
export const EventAck = z.object({ ackSeq: z.number().int().nonnegative(), head: z.string() });
export type EventAck = z.infer<typeof EventAck>;

// --- report --------------------------------------------------------------------------------------------------

export const InterimSummary = z
  .object({ t: z.number().nonnegative(), intervalScore: z.number(), riskLevel: z.string().max(20), alerts: z.number().int().nonnegative() })
  .strict();

export const ReportUpload = z.discriminatedUnion('kind', [
  z.object({ protocol: Protocol, kind: z.literal('final'), report: Report }).strict(),
  z.object({ protocol: Protocol, kind: z.literal('interim'), summary: InterimSummary }).strict(),
]);
export type ReportUpload = z.infer<typeof ReportUpload>;

// --- heartbeat -----------------------------------------------------------------------------------------------

export const InstructionKind = z.enum(['message', 'finish', 'pause']);
export const Instruction = z.object({ id: z.string(), kind: InstructionKind, message: z.string().max(2000).optional() });
export type Instruction = z.infer<typeof Instruction>;

export const Heartbeat = z
  .object({
    protocol: Protocol,
    /** The client's clock, so the server can see a skewed machine. */
    clock: z.iso.datetime(),
    intervalScore: z.number().finite(),
    riskLevel: z.string().max(20),
    activeWarnings: z.array(z.string().max(100)).max(50),
    pendingOutbox: z.number().int().nonnegative(),
    /** The chain's head as the client holds it now: a log rewritten or cut later no longer matches it. */
    chainHead: z.object({ seq: z.number().int().nonnegative(), hash: z.string().max(64) }).strict(),
    /** Instructions carried out since the last heartbeat. */
    confirmed: z.array(z.string().max(64)).max(20).default([]),
  })
  .strict();
export type Heartbeat = z.infer<typeof Heartbeat>;

export const HeartbeatResponse = z.object({
  serverTime: z.string(),
  /** The interval the server wants from now on (as stated at enrolment; it may change it mid-sitting). */
  heartbeatSeconds: HeartbeatSeconds.optional(),
  instruction: Instruction.nullable(),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;
/** The client reads a heartbeat's answer with this: an interval out of bounds is clamped, not a reason to drop the instruction. */
export const HeartbeatAnswer = HeartbeatResponse.extend({ heartbeatSeconds: z.unknown() });
export type HeartbeatAnswer = z.infer<typeof HeartbeatAnswer>;

// --- evidence (tus) -------------------------------------------------------------------------------------------

/** `Upload-Metadata` of an evidence upload; the server re-hashes the bytes on finish and quarantines a mismatch. */
export const EvidenceMetadata = z
  .object({
    sessionId: SafeId,
    segmentId: z.string().regex(/^[0-9]{1,12}$/),
    sha256: Sha256,
    mime: z.enum(['video/mp4', 'audio/aac', 'video/webm', 'audio/webm']),
  })
  .strict();
export type EvidenceMetadata = z.infer<typeof EvidenceMetadata>;

// --- live thumbnails -----------------------------------------------------------------------------------------

/**
 * Live thumbnails: for exams whose policy says `liveView: thumbnails`, a small JPEG of the camera about every
 * `intervalSec`, newest only (a late one is dropped, never queued). The server refuses them for an exam whose
 * policy says `status`, one sooner than `minIntervalSec` after the last, and anything that is not a small JPEG.
 */
export const THUMBNAIL = { intervalSec: 12, minIntervalSec: 8, maxBytes: 24 * 1024, maxWidth: 320, maxHeight: 240 } as const;

export const ThumbnailUpload = z
  .object({
    protocol: Protocol,
    /** The client's clock when the picture was taken. */
    clock: z.iso.datetime(),
    width: z.number().int().min(16).max(THUMBNAIL.maxWidth),
    height: z.number().int().min(16).max(THUMBNAIL.maxHeight),
    /** The JPEG, base64. */
    jpeg: z.base64().max(Math.ceil(THUMBNAIL.maxBytes / 3) * 4),
  })
  .strict();
export type ThumbnailUpload = z.infer<typeof ThumbnailUpload>;

export const ThumbnailAck = z.object({ stored: z.literal(true), at: z.string() });
export type ThumbnailAck = z.infer<typeof ThumbnailAck>;

/** Whether bytes are a whole JPEG (start-of-image and end-of-image markers); the server checks before storing. */
export function isJpeg(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff && bytes[n - 2] === 0xff && bytes[n - 1] === 0xd9;
}

// --- health and errors ---------------------------------------------------------------------------------------

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  /** False while the server cannot store what it is sent: the spooler waits instead of burning attempts. */
  accepting: z.boolean(),
  version: z.string(),
  protocol: z.number().int(),
  database: z.object({ ok: z.boolean(), kind: z.enum(['pglite', 'postgres']) }),
  blobs: z.object({ ok: z.boolean(), kind: z.enum(['file', 's3']) }),
});
export type Health = z.infer<typeof Health>;

/** Every refusal: a stable code for programs and a sentence for people. */
export const SyncError = z.object({
  error: z.string(),
  message: z.string(),
  ackSeq: z.number().int().nonnegative().optional(),
  firstBadSeq: z.number().int().positive().optional(),
});
export type SyncError = z.infer<typeof SyncError>;
