/**
 * The IPC contract: every channel between the renderer, the main process (or browser shell) and the engine,
 * with a zod schema for each request and response. It is the only file of app/ the renderer may import.
 * Both shells parse every payload with these schemas before it reaches the engine, and the renderer parses
 * every answer, so no side trusts the other's shape.
 */
import { z } from 'zod';
import { CaptureStats, DeviceReport } from '../engine/live/frame-wire';

/**
 * Camera frames travel as bytes, never as JSON: a 40-byte header (session, capture time, size, format, sequence
 * number) checked with the FrameHeader schema, then the pixels as the camera gave them. The renderer encodes with
 * these; the engine decodes with the same module, whichever shell carried the bytes.
 */
export { FRAME_FORMATS, FRAME_HEADER_BYTES, FRAME_PURPOSES, FrameHeader, allocateFrame, frameBytes, isVirtualDeviceName, writeFrameHeader, type FrameFormat, type FrameHeaderInput, type FramePurpose } from '../engine/live/frame-wire';
export { CaptureStats, DeviceReport };

export const CONTRACT_VERSION = 1;

export const HealthCheck = z.object({
  id: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  summary: z.string(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

export const EngineHealth = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  engineVersion: z.string(),
  contractVersion: z.number().int(),
  pid: z.number().int(),
  uptimeSec: z.number().nonnegative(),
  runtime: z.object({ node: z.string(), platform: z.string(), arch: z.string(), host: z.enum(['electron-utility', 'node']) }),
  storage: z.object({ path: z.string(), schemaVersion: z.number().int(), journalMode: z.string(), sessions: z.number().int() }),
  checks: z.array(HealthCheck),
});
export type EngineHealth = z.infer<typeof EngineHealth>;

const ALERT_TYPE = z.enum([
  'no_face', 'multiple_faces', 'head_turned', 'gaze_away', 'low_engagement', 'speech', 'multiple_voices', 'prohibited_object',
  'visible_text', 'spoof_suspected', 'identity_mismatch', 'focus_lost', 'clipboard', 'key_combo', 'prohibited_process',
  'display_change', 'vm_detected', 'temporal_pattern', 'clock_changed', 'session_interrupted', 'camera_integrity', 'remote_session',
]);
const SEVERITY = z.enum(['info', 'warning', 'critical']);

/**
 * Fields that never cross to the renderer: the quit password's hash (it could be attacked offline), the enrolment
 * token (it lets its holder report as the candidate) and SEB's Config Key (it would let any browser pass as this
 * exam's client). The engine keeps them; a response that carries one anywhere fails this contract.
 */
export const SECRET_FIELDS = ['quitPasswordHash', 'enrolmentToken', 'sebConfigKey'] as const;

/** The first secret field found at any depth of `value`, or undefined. */
export function secretFieldIn(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if ((SECRET_FIELDS as readonly string[]).includes(key)) return key;
    const inner = secretFieldIn(child);
    if (inner) return `${key}.${inner}`;
  }
  return undefined;
}
const withoutSecrets = <T extends z.ZodType>(schema: T) =>
  schema.superRefine((value, ctx) => {
    const field = secretFieldIn(value);
    if (field) ctx.addIssue({ code: 'custom', path: field.split('.'), message: 'is a secret the engine keeps; the renderer may not receive it' });
  });

/**
 * An exam policy as the renderer sees it: the engine has already parsed it with the policy schema, so here only
 * the fields the flow reads are typed and the rest passes through unchanged; never a secret (SECRET_FIELDS).
 */
export const PolicyView = z
  .object({
    processingFps: z.number(),
    allowedOrigins: z.array(z.string()),
    examUrl: z.string().optional(),
    candidateWarnings: z.enum(['all', 'critical', 'none']).default('all'),
    /** What invigilators see live: status only, or also a small camera picture now and then (the consent screen says which). */
    liveView: z.enum(['status', 'thumbnails']).default('status'),
    detectors: z.record(z.string(), z.boolean()),
    calibration: z.object({ seconds: z.number() }).loose(),
    intervals: z.object({ seconds: z.number(), flagThreshold: z.number(), weights: z.record(z.string(), z.number()) }).loose(),
    rules: z.record(z.string(), z.number()),
    evidence: z.object({ preRollSec: z.number(), postRollSec: z.number() }),
    /** Whether the invigilator can end the exam early with a quit password (the hash stays in the engine). */
    hasQuitPassword: z.boolean(),
  })
  .loose();
export type PolicyView = z.infer<typeof PolicyView>;

/**
 * What kind of exam is open: signed by the institution (`exam`), the built-in practice exam, or an unsigned policy
 * opened with the developer flag (the app then shows "unsigned exam: for testing only" throughout).
 */
export const ExamView = z
  .object({
    mode: z.enum(['exam', 'practice', 'unsigned']),
    examId: z.string().nullable(),
    signer: z.string().nullable(),
    expiresAt: z.string().nullable(),
    serverUrl: z.string().nullable(),
  })
  .strict();
export type ExamView = z.infer<typeof ExamView>;

/**
 * A config that was refused or failed its schema: the field and the rule it breaks, in words. `reason` names a
 * refusal: bad_signature, unpinned_key, expired, server_mismatch, practice_only, unsigned, not_a_config,
 * trust_file, bad_policy.
 */
const PolicyProblem = z.object({ ok: z.literal(false), field: z.string(), rule: z.string(), message: z.string(), reason: z.string().optional() });
export const PolicyCheck = withoutSecrets(z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), policy: PolicyView, exam: ExamView }).strict(), PolicyProblem]));
export type PolicyCheck = z.infer<typeof PolicyCheck>;

export const ExamCheck = z.object({
  id: z.string(),
  label: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  summary: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  fix: z.string().optional(),
});
export type ExamCheck = z.infer<typeof ExamCheck>;

const SessionId = z.string().uuid();
const Seconds = z.number().finite().nonnegative().max(24 * 3600);
/** A downscaled camera frame: RGB bytes as base64 (JSON-safe in both shells); at most 640x480. */
const FRAME_MAX_BASE64 = Math.ceil((640 * 480 * 3) / 3) * 4;
/** An evidence segment: a few seconds of MediaRecorder output as base64. */
const SEGMENT_MAX_BASE64 = 6 * 1024 * 1024;

export const FrameOutcome = z.object({
  analysed: z.boolean(),
  faceCount: z.number().int().nullable(),
  opened: z.array(z.object({ type: ALERT_TYPE, severity: SEVERITY, start: z.number(), why: z.string() })),
  flagged: z.boolean(),
});
export type FrameOutcome = z.infer<typeof FrameOutcome>;

/** The identity photo (a frame of purpose `enrol`): enrolled, or why not. */
export const IdentityEnrolment = z.object({ enrolled: z.boolean(), reason: z.string().nullable() });
export type IdentityEnrolment = z.infer<typeof IdentityEnrolment>;
/** The blink and head-turn challenge after one more frame (purpose `identity`); the engine judges, the app shows it. */
export const IdentityProgress = z.object({ faceCount: z.number().int(), blinks: z.number().int(), turnedLeft: z.boolean(), turnedRight: z.boolean(), similarity: z.number().nullable(), matched: z.boolean(), passed: z.boolean() });
export type IdentityProgress = z.infer<typeof IdentityProgress>;

/**
 * The engine's answer to one frame sent as bytes (VigilApi.sendFrame), by the frame's purpose: a session frame's
 * outcome, the identity photo's enrolment, a challenge frame's progress; or why it was refused.
 */
export const FrameBytesAnswer = z.union([
  z.object({ seq: z.number().int(), ok: z.literal(true), outcome: FrameOutcome }),
  z.object({ seq: z.number().int(), ok: z.literal(true), enrolment: IdentityEnrolment }),
  z.object({ seq: z.number().int(), ok: z.literal(true), identity: IdentityProgress }),
  z.object({ seq: z.number().int().nullable(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }), refused: z.number().int() }),
]);
export type FrameBytesAnswer = z.infer<typeof FrameBytesAnswer>;

export const FinishedSession = z.object({
  sessionId: z.string(),
  durationSec: z.number(),
  framesAnalysed: z.number().int(),
  calibration: z.enum(['SUCCESS', 'FAILED', 'SKIPPED']),
  risk: z.object({ score: z.number(), level: z.enum(['CLEAN', 'BORDERLINE', 'SUSPICIOUS', 'HIGH_RISK']) }),
  alerts: z.array(z.object({ type: ALERT_TYPE, start: z.number(), end: z.number(), severity: SEVERITY })),
  flaggedIntervals: z.number().int(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), size: z.number().int() })),
  notes: z.array(z.string()),
});
export type FinishedSession = z.infer<typeof FinishedSession>;

/**
 * A session's link to the institution as the candidate app may see it: the server's origin (never a token),
 * the invigilator's instructions still to show or act on, and what was sent and what waits (from the outbox).
 */
export const SessionSync = withoutSecrets(
  z
    .object({
      server: z.string().max(500).nullable(),
      instructions: z.array(z.object({ id: z.string().max(64), kind: z.enum(['message', 'finish', 'pause']), message: z.string().max(2000).nullable() }).strict()).max(20),
      outbox: z.array(z.object({ kind: z.string().max(20), sent: z.number().int().nonnegative(), pending: z.number().int().nonnegative() }).strict()).max(20),
      heartbeat: z.object({ at: z.string(), ok: z.boolean() }).strict().nullable(),
      lastError: z.string().max(1000).nullable(),
    })
    .strict(),
);
export type SessionSync = z.infer<typeof SessionSync>;

/** Request/response channels, renderer -> engine. Add a channel here first; both shells pick it up. */
export const channels = {
  'engine.health': { request: z.object({}).strict(), response: EngineHealth },
  'engine.ping': {
    request: z.object({ nonce: z.string().max(128) }).strict(),
    response: z.object({ nonce: z.string(), receivedAt: z.number() }),
  },
  /** Parses an exam policy file's text with the engine's policy schema. */
  'policy.parse': { request: z.object({ text: z.string().max(1024 * 1024), source: z.string().max(200) }).strict(), response: PolicyCheck },
  /** Loads a policy saved on this computer by name (a `vigil://exam?policy=<name>` link). */
  'policy.load': { request: z.object({ name: z.string().max(200) }).strict(), response: PolicyCheck },
  /**
   * Checks a policy the invigilator is editing against the engine's schema, without opening it as an exam
   * (the answer is the same secret-free view).
   */
  'policy.check': {
    request: z.object({ text: z.string().max(1024 * 1024), source: z.string().max(200) }).strict(),
    response: withoutSecrets(z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), policy: PolicyView }).strict(), PolicyProblem])),
  },
  /** Opens the built-in practice exam, offered on the first screen. */
  'exam.practice': { request: z.object({}).strict(), response: PolicyCheck },
  /**
   * The exam's system check. With an exam open, its policy judges the OS checks as session.start will: `fail` is
   * a start condition the policy refuses (the engine refuses session.start too), `warn` one it lets through with a
   * warning in the report.
   */
  'system.check': { request: z.object({}).strict(), response: z.object({ checks: z.array(ExamCheck) }) },
  /**
   * Starts (or starts over) the identity step: the id its frames carry in their header's session field. The photo
   * and the challenge frames then go as bytes (VigilApi.sendFrame, purposes `enrol` and `identity`); frames with
   * an earlier attempt's id are refused.
   */
  'identity.begin': { request: z.object({}).strict(), response: z.object({ identityId: z.string().uuid() }) },
  /**
   * The candidate reads a sentence aloud before the session: 16 kHz mono 16-bit PCM as base64, at most 15 s. The
   * engine enrols the voice for the sessions started after it; too little speech is an answer, not an error.
   */
  'voice.enrol': {
    request: z.object({ samples: z.string().max(Math.ceil((15 * 16_000 * 2) / 3) * 4) }).strict(),
    response: z.object({ enrolled: z.boolean(), speechSec: z.number().nonnegative(), neededSec: z.number().positive(), reason: z.string().nullable() }),
  },
  /** The candidate goes on without an enrolled voice; the answer is the reason the report will give. */
  'voice.skip': { request: z.object({}).strict(), response: z.object({ enrolled: z.literal(false), reason: z.string() }) },
  'session.start': {
    // No policy here: the engine starts the session on the exam it verified (policy.parse, policy.load, exam.practice).
    request: z
      .object({
        studentId: z.string().max(200).optional(),
        examId: z.string().max(200).optional(),
        /** The labels of the camera and microphone the page opened, for the record. */
        devices: z.object({ camera: z.string().max(200).optional(), microphone: z.string().max(200).optional() }).strict().optional(),
      })
      .strict(),
    response: z.object({ sessionId: z.string(), vision: z.object({ available: z.boolean(), reason: z.string().nullable() }), processingFps: z.number(), segmentSec: z.number(), calibrationSeconds: z.number() }),
  },
  'session.frame': {
    request: z.object({ sessionId: SessionId, t: Seconds, width: z.number().int().min(16).max(640), height: z.number().int().min(16).max(480), rgb: z.string().max(FRAME_MAX_BASE64) }).strict(),
    response: FrameOutcome,
  },
  /** Microphone audio from the candidate app: 16 kHz mono 16-bit PCM as base64, at most 2 s per chunk. */
  'session.audio': {
    request: z.object({ sessionId: SessionId, t: Seconds, samples: z.string().max(Math.ceil((2 * 16_000 * 2) / 3) * 4) }).strict(),
    response: z.object({ opened: FrameOutcome.shape.opened, flagged: z.boolean() }),
  },
  'session.evidence': {
    request: z.object({ sessionId: SessionId, start: Seconds, end: Seconds, mime: z.string().regex(/^(video|audio)\/[\w.+-]+(;.*)?$/).max(100), data: z.string().max(SEGMENT_MAX_BASE64) }).strict(),
    response: z.object({ held: z.number().int() }),
  },
  'session.calibrate': {
    request: z.object({ sessionId: SessionId }).strict(),
    response: z.object({ status: z.enum(['SUCCESS', 'FAILED', 'SKIPPED']), reasons: z.array(z.string()), framesSeen: z.number().int(), framesAccepted: z.number().int(), minFrames: z.number().int(), analysed: z.boolean(), framesReceived: z.number().int() }),
  },
  /** The camera and microphone the session opened, and any that ended or changed during the exam. */
  'session.camera': {
    request: z.object({ sessionId: SessionId, report: DeviceReport }).strict(),
    response: z.object({ opened: FrameOutcome.shape.opened, flagged: z.boolean() }),
  },
  /** `capture`: the app's account of the frames it sent and dropped, and their latency, for the report. */
  'session.finish': { request: z.object({ sessionId: SessionId, capture: CaptureStats.optional() }).strict(), response: FinishedSession },
  /**
   * The session's link to the institution, polled by the app during the exam and on the finish screen. `done`:
   * instructions the app has shown or acted on; the engine confirms them on its next heartbeat.
   */
  'session.sync': { request: z.object({ sessionId: SessionId, done: z.array(z.string().max(64)).max(20).optional() }).strict(), response: SessionSync },
  /**
   * A capture device changed during the exam (one plugged in or out, the camera or microphone track ended): the
   * page reports what it saw; the engine records it in the session's chain, timed on the session clock.
   */
  'session.device': {
    request: z
      .object({
        sessionId: SessionId,
        change: z.enum(['devices_changed', 'track_ended']),
        kind: z.enum(['camera', 'microphone', 'other']),
        labels: z.array(z.string().max(200)).max(32),
      })
      .strict(),
    response: z.object({ recorded: z.literal(true) }),
  },
  /**
   * The candidate asks to leave during the exam and the invigilator types the quit password. The engine checks
   * it against the session's policy, so the page learns only yes or no; on yes the app hands the session in
   * (session.finish) and quits. Refusals are counted in the report.
   */
  'session.quit': {
    request: z.object({ sessionId: SessionId, password: z.string().min(1).max(200) }).strict(),
    response: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true) }),
      // locked: too many wrong passwords; the prompt opens again after retryAfterSec (each attempt is in the chain).
      z.object({ ok: z.literal(false), reason: z.enum(['wrong_password', 'no_quit_password', 'locked']), refused: z.number().int(), retryAfterSec: z.number().int().nonnegative() }),
    ]),
  },
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.infer<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<(typeof channels)[C]['response']>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** Events pushed engine -> renderer. */
export const events = {
  'engine.status': z.object({ status: z.enum(['starting', 'ready', 'restarting', 'down']), detail: z.string().optional() }),
  /** Electron's main process refused to close the exam window: the page shows the quit-password prompt. */
  'quit.requested': z.object({}),
} as const;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.infer<(typeof events)[E]>;

/** The one API both shells expose to the renderer as `window.vigil`. */
export interface VigilApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /**
   * Sends one camera frame (FrameHeader, then pixels) as bytes and resolves with the engine's answer. The buffer
   * is transferred where the shell can (Electron's MessagePort), so the caller must not touch it afterwards.
   */
  sendFrame(frame: ArrayBuffer): Promise<FrameBytesAnswer>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/** Parses a request for a known channel, throwing a ContractError that names the channel and the problem. */
export function parseRequest<C extends Channel>(channel: C, payload: unknown): RequestOf<C> {
  const result = channels[channel].request.safeParse(payload);
  if (!result.success) throw new ContractError('bad_request', `${channel}: ${describeZodError(result.error)}`);
  return result.data as RequestOf<C>;
}

export function parseResponse<C extends Channel>(channel: C, payload: unknown): ResponseOf<C> {
  const result = channels[channel].response.safeParse(payload);
  if (!result.success) throw new ContractError('bad_response', `${channel}: ${describeZodError(result.error)}`);
  return result.data as ResponseOf<C>;
}

export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** One line per zod error: the first issue's path and message. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}
