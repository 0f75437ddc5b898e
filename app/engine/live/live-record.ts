/**
 * A live session's durable record, written as things happen: the session row from the first second, every
 * event appended to its hash chain (through the store's repositories, so an outbox write can join the same
 * transaction), each analysed frame's features, and each evidence segment with its sha256 as soon as it is cut.
 * An engine killed mid-exam leaves everything up to the kill; `interruptOpenSessions` marks it, and
 * `LiveRecord.read` gives a resumed session (or the report of an abandoned one) back what was recorded.
 */
import { readFileSync } from 'node:fs';
import type { Calibration } from '../calibration/calibrate';
import type { FrameFeatures } from '../features/schema';
import type { ExamPolicy } from '../policy/policy';
import { AlertSchema, type LiveRecordSummary } from '../report/report';
import type { Alert } from '../rules/alert';
import { toStored } from '../session/analyze-recording';
import { SIGNAL_TYPES, SignalEvent } from '../signals/events';
import type { SessionClock } from '../signals/session-clock';
import { canonicalJson } from '../storage/canonical-json';
import { sha256Hex } from '../storage/hash-chain';
import type { NewSyncTarget } from '../storage/repositories/sync-targets';
import type { Store } from '../storage/store';
import type { EvidenceSegment, SegmentKeeper, StoredSegment } from './evidence-buffer';

/** A rolling segment's `reason` in the segments table, until the report keeps or drops it. */
export const ROLLING_SEGMENT = 'rolling live segment';
/** The largest segment accepted (a few seconds of camera-preview video is well under 2 MB). */
export const SEGMENT_MAX_BYTES = 8 * 1024 * 1024;
/** How long one segment may span: the app cuts one every few seconds. */
export const SEGMENT_MAX_SEC = 30;
/** A heartbeat row every this many seconds shows the engine was alive and recording. */
export const HEARTBEAT_SEC = 5;

/** What the shell and the page say about where the session runs; the report carries it. */
export interface LiveContext {
  readonly shell: 'electron' | 'browser';
  readonly preflight: { id: string; status: string; summary: string }[];
  readonly devices: { camera: string | null; microphone: string | null };
  readonly lockdown: Record<string, unknown>;
}

/** The first row of every live session's chain. */
export interface SessionStarted {
  readonly originNs: string;
  readonly bootId: string | null;
  readonly wallStartedAt: string;
  readonly policySha256: string;
  readonly studentId: string | null;
  readonly examId: string | null;
  readonly context: LiveContext;
  readonly notes: string[];
}

export function policySha256(policy: ExamPolicy): string {
  return sha256Hex(canonicalJson(policy));
}

/** This boot of the machine (Linux); null elsewhere, where a monotonic clock that went backwards tells instead. */
export function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

export class LiveRecord implements SegmentKeeper {
  private constructor(
    readonly store: Store,
    readonly sessionId: string,
  ) {}

  /** The session row and its first event, before the session answers anything. */
  /** `sync`: the exam names a server; enrolment is queued with the session row, and every event after it. */
  static begin(store: Store, input: { id: string; policy: ExamPolicy; clock: SessionClock; studentId: string | null; examId: string | null; context: LiveContext; notes: string[]; sync?: NewSyncTarget }): LiveRecord {
    const record = new LiveRecord(store, input.id);
    store.db.transaction(() => {
      store.sessions.create({ id: input.id, source: 'live', studentId: input.studentId, examId: input.examId, policy: input.policy, startedAt: new Date(input.clock.startedAtMs), sync: input.sync });
      const started: SessionStarted = {
        originNs: input.clock.originNs.toString(),
        bootId: bootId(),
        wallStartedAt: new Date(input.clock.startedAtMs).toISOString(),
        policySha256: policySha256(input.policy),
        studentId: input.studentId,
        examId: input.examId,
        context: input.context,
        notes: input.notes,
      };
      record.append(0, 'session.started', started);
    })();
    return record;
  }

  static of(store: Store, sessionId: string): LiveRecord {
    return new LiveRecord(store, sessionId);
  }

  append(t: number, type: string, payload: unknown): void {
    this.store.events.append(this.sessionId, round(t), type, payload);
  }

  signal(event: SignalEvent): void {
    const { type, t, ...payload } = event;
    this.append(t, type, payload);
  }

  frame(features: FrameFeatures): void {
    this.store.frameFeatures.insertMany(this.sessionId, [toStored(features)]);
  }

  add(segment: EvidenceSegment): number {
    const meta = this.store.db.transaction(() => {
      const stored = this.store.segments.add(this.sessionId, { start: segment.start, end: segment.end, reason: ROLLING_SEGMENT, mime: segment.mime, bytes: segment.bytes, sync: false });
      this.append(segment.end, 'evidence.segment', { segmentId: stored.id, start: round(segment.start), end: round(segment.end), mime: segment.mime, size: stored.size, sha256: stored.sha256 });
      return stored;
    })();
    return meta.id;
  }

  read(id: number): Uint8Array {
    return new Uint8Array(this.store.segments.read(id));
  }

  /** A segment queued for the server (shared) stays: `segments.delete` keeps what is or was on its way out. */
  remove(id: number): void {
    this.store.segments.delete(id);
  }

  /** A flagged segment goes to the session's server now, not at the finish (once; nothing for an unsynced session). */
  share(id: number): void {
    this.store.segments.share(id);
  }

  /** Everything recorded so far, to resume the session or to report it. */
  recorded(): RecordedSession {
    return readRecordedSession(this.store, this.sessionId);
  }

  /** The report's record section, from the chain (verified first: a broken chain is refused, not summarised). */
  summary(): LiveRecordSummary {
    const verdict = this.store.events.verifyChain(this.sessionId);
    if (!verdict.ok) throw new Error(`session ${this.sessionId}: event ${verdict.rowId}: ${verdict.reason}`);
    const recorded = this.recorded();
    const signals = recorded.signals;
    return {
      shell: recorded.started.context.shell,
      policySha256: recorded.started.policySha256,
      preflight: recorded.started.context.preflight,
      lockdown: recorded.lockdown,
      devices: recorded.started.context.devices,
      interruptions: recorded.gaps.map((g) => ({ start: g.start, end: g.end, lengthSec: round(g.end - g.start), measuredBy: g.measuredBy })),
      clockChanges: signals.flatMap((s) => (s.type === 'clock_changed' ? [{ t: s.t, jumpSec: s.jumpSec }] : [])),
      quitAttempts: recorded.quitAttempts,
      deviceChanges: recorded.deviceChanges,
      refusedShortcuts: signals.filter((s) => s.type === 'key_combo' && s.blocked).length,
      chain: { events: verdict.count, head: verdict.head },
    };
  }
}

export interface RecordedGap {
  start: number;
  end: number;
  measuredBy: 'monotonic' | 'wall';
}

export interface RecordedSession {
  started: SessionStarted;
  frames: FrameFeatures[];
  signals: SignalEvent[];
  /** Alerts closed by the frame rules and the audio pipeline (signal alerts are scored again from `signals`). */
  closed: Alert[];
  /** Alerts opened and not closed when the record stops (cut off by a kill). */
  open: { type: Alert['type']; severity: Alert['severity']; start: number }[];
  calibration: Calibration | null;
  notes: string[];
  gaps: RecordedGap[];
  lockdown: Record<string, unknown>;
  quitAttempts: { refused: number; accepted: number };
  deviceChanges: { t: number; change: string; kind: string; labels: string[] }[];
  framesReceived: number;
  segments: StoredSegment[];
  /** The latest time anything was recorded: where a gap starts when the record stops. */
  lastT: number;
}

export function readRecordedSession(store: Store, sessionId: string): RecordedSession {
  const rows = store.events.list(sessionId);
  const first = rows[0];
  if (!first || first.type !== 'session.started') throw new Error(`session ${sessionId} has no live record`);
  const started = first.payload as SessionStarted;
  const signalTypes = new Set<string>(SIGNAL_TYPES);
  const recorded: RecordedSession = {
    started,
    frames: store.frameFeatures.list(sessionId).map((f) => f.data as unknown as FrameFeatures),
    signals: [],
    closed: [],
    open: [],
    calibration: null,
    notes: [...started.notes],
    gaps: [],
    lockdown: started.context.lockdown,
    quitAttempts: { refused: 0, accepted: 0 },
    deviceChanges: [],
    framesReceived: 0,
    segments: store.segments.list(sessionId).filter((s) => s.reason === ROLLING_SEGMENT).map(({ id, start, end, mime }) => ({ id, start, end, mime })),
    lastT: 0,
  };
  const open = new Map<string, RecordedSession['open'][number]>();
  for (const row of rows) {
    recorded.lastT = Math.max(recorded.lastT, row.t);
    const payload = row.payload as Record<string, unknown>;
    if (signalTypes.has(row.type)) {
      const parsed = SignalEvent.safeParse({ ...payload, type: row.type, t: row.t });
      if (parsed.success) recorded.signals.push(parsed.data);
      continue;
    }
    switch (row.type) {
      case 'alert.opened':
        open.set(String(payload.type), { type: payload.type as Alert['type'], severity: payload.severity as Alert['severity'], start: Number(payload.start) });
        break;
      case 'alert.closed': {
        const alert = AlertSchema.safeParse(payload);
        if (alert.success) {
          recorded.closed.push(alert.data);
          open.delete(alert.data.type);
        }
        break;
      }
      case 'calibration':
        recorded.calibration = payload as unknown as Calibration;
        break;
      case 'note':
        recorded.notes.push(String(payload.line));
        break;
      case 'session.resumed':
        recorded.gaps.push({ start: Number(payload.gapStart), end: Number(payload.gapEnd), measuredBy: payload.measuredBy === 'wall' ? 'wall' : 'monotonic' });
        break;
      case 'session.context':
        recorded.lockdown = { ...recorded.lockdown, ...((payload.lockdown as Record<string, unknown> | undefined) ?? {}) };
        break;
      case 'quit.attempt':
        if (payload.outcome === 'accepted') recorded.quitAttempts.accepted += 1;
        else recorded.quitAttempts.refused += 1;
        break;
      case 'device.change':
        recorded.deviceChanges.push({ t: row.t, change: String(payload.change), kind: String(payload.kind), labels: Array.isArray(payload.labels) ? payload.labels.map(String) : [] });
        break;
      case 'heartbeat':
        recorded.framesReceived = Math.max(recorded.framesReceived, Number(payload.framesReceived) || 0);
        break;
    }
  }
  for (const f of recorded.frames) recorded.lastT = Math.max(recorded.lastT, f.t);
  for (const s of recorded.segments) recorded.lastT = Math.max(recorded.lastT, s.end);
  recorded.framesReceived = Math.max(recorded.framesReceived, recorded.frames.length);
  recorded.open = [...open.values()];
  return recorded;
}

/**
 * At engine start: every live session still open was cut off (one engine per data folder, and this one has
 * just started). Each is marked, with a chain row saying where its record stops; returns their ids.
 */
export function interruptOpenSessions(store: Store, wall: () => number = Date.now): string[] {
  const ids: string[] = [];
  for (const session of store.sessions.openLive()) {
    let lastT = 0;
    try {
      lastT = readRecordedSession(store, session.id).lastT;
    } catch {
      // A session row without its first event (killed between the two writes is impossible: one transaction).
    }
    store.db.transaction(() => {
      store.sessions.markInterrupted(session.id, new Date(wall()));
      store.events.append(session.id, round(lastT), 'session.interrupted', { recordStopsAt: round(lastT), foundAt: new Date(wall()).toISOString() });
    })();
    ids.push(session.id);
  }
  return ids;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
