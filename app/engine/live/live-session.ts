/**
 * One live exam session in the engine: frames arrive from the candidate app at the policy's rate, go through
 * the face pipeline (when this build has one) and the streaming alert rules; intervals are scored as they
 * go, so a flag is raised at once and the evidence around it is kept. Everything is recorded as it happens
 * (live-record.ts): a killed engine leaves the session in the store, and `LiveSession.resume` goes on with it,
 * recording the gap. Finishing runs the same analysis as a recorded file (analyzeRecording) over the session's
 * features and stores the report, under the session's own id, with its clips.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { calibrate, defaultThresholds, type Calibration } from '../calibration/calibrate';
import type { FrameFeatures } from '../features/schema';
import type { RgbFrame } from '../media/frames';
import type { AlertType, ExamPolicy } from '../policy/policy';
import type { Report } from '../report/report';
import type { Alert, Severity } from '../rules/alert';
import { applyAudioRules } from '../rules/audio-rules';
import { FrameRules } from '../rules/frame-rules';
import { scoreIntervals } from '../scoring/intervals';
import { scoreRisk, type RiskLevel } from '../scoring/risk';
import type { NewSyncTarget } from '../storage/repositories/sync-targets';
import { SignalEvent } from '../signals/events';
import { signalAlerts } from '../signals/scoring';
import { createSessionClock, type SessionClock } from '../signals/session-clock';
import type { SessionOperation } from '../signals/session-operation';
import { createWallClockWatch } from '../signals/wall-clock-watch';
import { analyzeRecording } from '../session/analyze-recording';
import type { Store } from '../storage/store';
import { LiveEvidenceBuffer, type EvidenceSegment } from './evidence-buffer';
import { FeedIntegrity, frameFingerprint } from './feed-integrity';
import { deviceAlert, type CaptureStats, type DeviceReport } from './capture-integrity';
import { HEARTBEAT_SEC, LiveRecord, SEGMENT_MAX_BYTES, SEGMENT_MAX_SEC, bootId, readRecordedSession, type LiveContext, type RecordedSession } from './live-record';
import { placeOnSessionClock } from './session-time';
import type { LiveAudio } from './live-audio';
import type { AnalyzerAvailability } from './frame-analyzer';
import { openLivenessMonitor, type LivenessMonitor } from '../liveness/monitor';
import { explainAlert } from './warnings';

export interface LiveAlertNotice {
  type: AlertType;
  severity: Severity;
  start: number;
  why: string;
}

export interface FrameOutcome {
  analysed: boolean;
  faceCount: number | null;
  opened: LiveAlertNotice[];
  flagged: boolean;
}

export interface LiveSessionOptions {
  policy: ExamPolicy;
  analyzer: AnalyzerAvailability;
  store: Store;
  /** Folder under which the session keeps its evidence segments until the report is stored. */
  workDir: string;
  studentId?: string | null;
  examId?: string | null;
  /** Lines for the report from steps before the session (the identity check). */
  notes?: string[];
  /** The microphone pipeline, when the policy's audio detector is on and the candidate app sends audio. */
  audio?: LiveAudio;
  /** The session clock; a fresh monotonic one by default (tests drive their own). */
  clock?: SessionClock;
  /** Where the session runs (shell, preflight, devices, lockdown), for the record and the report. */
  context?: LiveContext;
  /** Watch the wall clock against the session clock (on in the engine; tests that drive the clock push jumps). */
  watchWallClock?: boolean;
  /** The exam's server (signed config): the session is enrolled there and everything it records is queued for it. */
  sync?: NewSyncTarget;
}

/** What the heartbeat tells the institution about the session right now (app/engine/sync/live-sync.ts). */
export interface LiveStatus {
  readonly t: number;
  readonly intervalScore: number;
  readonly riskLevel: RiskLevel;
  /** Alert types open now or seen within the last heartbeat period. */
  readonly activeWarnings: AlertType[];
  readonly alerts: number;
}

const NO_CONTEXT: LiveContext = { shell: 'browser', preflight: [], devices: { camera: null, microphone: null }, lockdown: {} };

/** Segments the candidate app records; the rolling window holds the pre-roll plus two of them. */
export const EVIDENCE_SEGMENT_SEC = 4;

export class LiveSession {
  readonly id: string;
  readonly evidence: LiveEvidenceBuffer;
  readonly clock: SessionClock;
  readonly record: LiveRecord;
  private readonly frames: FrameFeatures[] = [];
  private readonly closed: Alert[] = [];
  /** OS signals from the main process (focus, clipboard, combos, processes, displays), scored with the rest. */
  private readonly signals: SignalEvent[] = [];
  private signalAlertList: Alert[] = [];
  private readonly open = new Map<AlertType, { severity: Severity; start: number }>();
  private readonly flaggedIntervals = new Set<number>();
  private rules: FrameRules;
  private calibration: Calibration | undefined;
  private lastT = 0;
  private lastFrameT = 0;
  /** Where the session resumed after a restart (0 when it never stopped): audio before it is in the record. */
  private resumedAt = 0;
  private framesReceived = 0;
  private finished = false;
  /** Temporal liveness (undefined until the first evidence frame opens it; null when off or unavailable). */
  private liveness: LivenessMonitor | null | undefined;
  private livenessAlertsSeen = 0;
  /** Fingerprints of the frames, for a frozen or looping feed. */
  private readonly feed = new FeedIntegrity();
  /** Camera and microphone integrity from the candidate app (virtual camera, device changed or gone). */
  private readonly deviceAlerts: Alert[] = [];
  private readonly devices: DeviceReport[] = [];
  /** Frames refused by the engine (wrong size or header, another session), counted for the report. */
  private readonly refused = new Map<string, number>();
  /** Frames are analysed concurrently but reach the rules in the order they arrived (capture order). */
  private ruleTail: Promise<unknown> = Promise.resolve();
  /** Alerts the rules opened that no frame answer has carried to the candidate app yet. */
  private readonly unshown: LiveAlertNotice[] = [];
  /** Whether an interval is flagged, as of the last frame the rules took. */
  private flagged = false;
  /** A frame's slower models failed after it was answered: thrown to the next frame. */
  private ruleFailure: Error | undefined;
  /** Per analysed frame, ms from its arrival to the rules taking it whole (its slower models back). */
  private readonly ruleDelays: number[] = [];
  /** Whether frames were answered at their face path (an analyzer in stages) rather than after the rules. */
  private answeredAtFacePath = false;
  /** Frames answered (or being analysed) whose rules have not run yet. */
  /** Capture times of the frames answered but not yet taken by the rules, oldest first. */
  private readonly pendingRuleTimes: number[] = [];
  private captureStats: CaptureStats | undefined;
  private readonly events: { t: number; type: string; payload: unknown }[] = [];
  private readonly timers: (() => Promise<void> | void)[] = [];

  constructor(
    private readonly options: LiveSessionOptions,
    resumed?: { id: string; clock: SessionClock; recorded: RecordedSession },
  ) {
    const { policy } = options;
    this.id = resumed?.id ?? randomUUID();
    this.clock = resumed?.clock ?? options.clock ?? createSessionClock();
    this.record = resumed
      ? LiveRecord.of(options.store, this.id)
      : LiveRecord.begin(options.store, { id: this.id, policy, clock: this.clock, studentId: options.studentId ?? null, examId: options.examId ?? null, context: options.context ?? NO_CONTEXT, notes: options.notes ?? [], sync: options.sync });
    const rollingSec = policy.evidence.preRollSec + 2 * EVIDENCE_SEGMENT_SEC;
    this.evidence = new LiveEvidenceBuffer(join(options.workDir, this.id), rollingSec, this.record, resumed?.recorded.segments ?? []);
    this.rules = this.newRules(null);
    if (resumed) this.restore(resumed.recorded);
    this.startTimers();
  }

  /**
   * Goes on with a session whose engine stopped: what was recorded comes back, alerts left open at the kill
   * close where the record stops, and the gap is recorded (a chain row and a session_interrupted alert). On the
   * same boot the monotonic clock has kept counting, so the gap's length is exact; after a reboot it can only be
   * taken from the wall clock, and says so.
   */
  static resume(options: Omit<LiveSessionOptions, 'studentId' | 'examId' | 'notes' | 'clock' | 'context'>, sessionId: string, wall: () => number = Date.now): LiveSession {
    const recorded = readRecordedSession(options.store, sessionId);
    const started = recorded.started;
    const originNs = BigInt(started.originNs);
    const sameBoot = (started.bootId === null || started.bootId === bootId()) && process.hrtime.bigint() >= originNs;
    let clock = createSessionClock({ originNs, wall });
    let measuredBy: 'monotonic' | 'wall' = 'monotonic';
    if (!sameBoot) {
      const lastWallMs = Date.parse(started.wallStartedAt) + recorded.lastT * 1000;
      const gapSec = Math.max(0, (wall() - lastWallMs) / 1000);
      clock = createSessionClock({ originNs: process.hrtime.bigint() - BigInt(Math.round((recorded.lastT + gapSec) * 1e9)), wall });
      measuredBy = 'wall';
    }
    const session = new LiveSession({ ...options, studentId: started.studentId, examId: started.examId, notes: recorded.notes, context: started.context }, { id: sessionId, clock, recorded });
    session.recordGap(recorded, measuredBy);
    return session;
  }

  private restore(recorded: RecordedSession): void {
    this.frames.push(...recorded.frames);
    this.signals.push(...recorded.signals);
    this.signalAlertList = signalAlerts(this.signals);
    this.closed.push(...recorded.closed);
    this.framesReceived = recorded.framesReceived;
    this.lastT = recorded.lastT;
    this.lastFrameT = recorded.frames.at(-1)?.t ?? 0;
    if (recorded.calibration) {
      this.calibration = recorded.calibration;
      this.rules = this.newRules(recorded.calibration);
    }
  }

  private recordGap(recorded: RecordedSession, measuredBy: 'monotonic' | 'wall'): void {
    const gapStart = recorded.lastT;
    const gapEnd = Math.max(gapStart, this.clock.now());
    // Alerts the kill left open end where the record stops: nothing after it was seen.
    for (const o of recorded.open) this.closeAlert({ type: o.type, severity: o.severity, start: o.start, end: gapStart, confidence: 1, evidence: { closedBy: 'engine stopped' } });
    const gap: Alert = { type: 'session_interrupted', start: gapStart, end: gapEnd, severity: 'warning', confidence: 1, evidence: { lengthSec: round(gapEnd - gapStart), measuredBy, reason: 'the engine stopped during the exam and nothing was recorded until it started again' } };
    this.record.append(gapEnd, 'session.resumed', { gapStart: round(gapStart), gapEnd: round(gapEnd), lengthSec: round(gapEnd - gapStart), measuredBy });
    this.closeAlert(gap);
    this.lastT = gapEnd;
    this.resumedAt = gapEnd;
    this.updateKeepRanges();
  }

  /** Heartbeat rows, and the wall clock watched against the session clock, until the session finishes. */
  private startTimers(): void {
    const heartbeat = setInterval(() => {
      if (this.finished) return;
      this.record.append(this.clock.now(), 'heartbeat', { framesReceived: this.framesReceived, framesAnalysed: this.frames.length, signals: this.signals.length, segmentsHeld: this.evidence.held.segments });
    }, HEARTBEAT_SEC * 1000);
    heartbeat.unref();
    this.timers.push(() => clearInterval(heartbeat));
    if (this.options.watchWallClock === false) return;
    const watch: SessionOperation<unknown> = createWallClockWatch({ clock: this.clock, sink: (event) => !this.finished && this.pushSignal(event) });
    watch.repeat();
    this.timers.push(() => watch.revert());
  }

  /** Stops the heartbeat and the clock watch (finish, or a session replaced by a new start). */
  async stop(): Promise<void> {
    for (const stop of this.timers.splice(0)) await stop();
  }

  /** Replaced by a new start: the record closes as aborted, saying why; its held video goes. */
  async abandon(reason: string): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.stop();
    this.record.append(Math.max(this.lastT, this.clock.now()), 'session.abandoned', { reason });
    this.evidence.dispose();
    if (this.options.store.sessions.get(this.id)?.status === 'open') this.options.store.sessions.finish(this.id, 'aborted');
  }

  private closeAlert(alert: Alert): void {
    this.closed.push(alert);
    this.record.append(alert.end, 'alert.closed', alert);
  }

  get policy(): ExamPolicy {
    return this.options.policy;
  }

  private newRules(calibration: Calibration | null): FrameRules {
    const policy = this.options.policy;
    const thresholds = calibration?.thresholds ?? defaultThresholds(policy);
    const baseline = calibration?.status === 'SUCCESS' ? calibration.baseline : null;
    return new FrameRules({ policy, thresholds, baseline }, (type, severity, start) => {
      this.open.set(type, { severity, start });
      this.record.append(start, 'alert.opened', { type, severity, start });
    });
  }

  /** Seconds of something the page timed, on the session clock (session-time.ts). */
  time(claimed: number, floor = 0): number {
    return placeOnSessionClock(claimed, this.clock.now(), floor);
  }

  /** What the page shows the candidate: recorded, as the candidate saw it. */
  private shown(opened: LiveAlertNotice[]): LiveAlertNotice[] {
    for (const o of opened) this.record.append(this.clock.now(), 'warning.shown', { type: o.type, severity: o.severity, start: o.start });
    return opened;
  }

  /**
   * One camera frame at its capture time `frame.t` (session seconds). Frames are analysed as they come, several
   * at once, and pass the rules in arrival order; a frame older than one already taken is refused (the rules'
   * consecutive-frame counts assume time goes forward).
   */
  async pushFrame(frame: RgbFrame): Promise<FrameOutcome> {
    this.assertOpen();
    if (frame.t < this.lastFrameT) throw this.refuse('bad_frame', `frame captured at ${frame.t.toFixed(3)} s arrived after one captured at ${this.lastFrameT.toFixed(3)} s`);
    // Placed on the session's clock (never later than now); the same time for rules, record and integrity.
    const t = this.time(frame.t, this.lastFrameT);
    frame = { ...frame, t };
    this.lastFrameT = t;
    this.framesReceived += 1;
    this.lastT = Math.max(this.lastT, t);
    const integrity = this.feed.push(t, frameFingerprint(frame.data));
    if (!this.options.analyzer.available) {
      const opened = integrity.map((a) => this.notice(a));
      return { analysed: false, faceCount: null, opened, flagged: opened.length > 0 ? this.updateKeepRanges() : false };
    }
    const analyzer = this.options.analyzer.analyzer;
    const stages = analyzer.analyzeInStages?.(frame);
    const analysed = stages?.full ?? analyzer.analyze(frame);
    const previous = this.ruleTail;
    const arrived = performance.now();
    // The rules take every frame whole (its slower models' columns too), in capture order, as `vigil analyze` does.
    const applied = (async () => {
      const { features: raw, livenessEvidence } = await analysed;
      await previous;
      this.assertOpen();
      const features = { ...raw, t: frame.t, frame_index: this.frames.length };
      this.frames.push(features);
      this.record.frame(features);
      const before = new Set(this.open.keys());
      for (const alert of this.rules.push(features)) {
        this.open.delete(alert.type);
        this.closeAlert(alert);
      }
      const opened = [...this.open.entries()].filter(([type]) => !before.has(type)).map(([type, o]) => ({ type, severity: o.severity, start: o.start, why: explainAlert(type, this.options.policy) }));
      opened.push(...integrity.map((a) => this.notice(a)));
      opened.push(...(await this.pushLiveness(livenessEvidence, t)));
      this.unshown.push(...opened);
      this.flagged = this.updateKeepRanges();
      this.ruleDelays.push(performance.now() - arrived);
      return features;
    })();
    this.ruleTail = applied.catch((error: unknown) => {
      // The frame was answered before its slower models failed: the next frame's answer carries the failure.
      if (stages) this.ruleFailure ??= error instanceof Error ? error : new Error(String(error));
    });
    if (!stages) {
      const features = await applied;
      return this.answer(features.face_count);
    }
    this.answeredAtFacePath = true;
    this.pendingRuleTimes.push(frame.t);
    const behind = this.pendingRuleTimes.length;
    void this.ruleTail.then(() => this.pendingRuleTimes.shift());
    // Answered once the face path is done; a frame whose slower models and earlier frames' rules are already done
    // (most frames) waits one turn of the event loop for its own rules, so its alerts come with its own answer.
    let faceCount: number;
    try {
      ({ faceCount } = await stages.face);
    } catch (error) {
      // The face path failed: this answer says so, and the next one must not say it again.
      await this.ruleTail;
      if (this.ruleFailure === error) this.ruleFailure = undefined;
      throw error;
    }
    // Backpressure: when the slower models fall MAX_RULES_BEHIND_SEC behind in capture time (so a flag is never
    // later than that at a low rate either) or more than MAX_RULES_BEHIND frames, answers wait for the rules again, so the
    // candidate app drops frames (counted) instead of the engine queueing them without bound.
    const behindSec = frame.t - (this.pendingRuleTimes[0] ?? frame.t);
    const ruled = behind > MAX_RULES_BEHIND || behindSec >= MAX_RULES_BEHIND_SEC ? this.ruleTail : Promise.race([this.ruleTail, new Promise((resolve) => setImmediate(resolve))]);
    await ruled;
    return this.answer(faceCount);
  }

  /**
   * A frame's answer to the candidate app: the alerts the rules opened since the last answer (this frame's, or an
   * earlier frame's whose slower model came back meanwhile), recorded as shown now, and whether an interval is flagged.
   */
  private answer(faceCount: number | null): FrameOutcome {
    const failure = this.ruleFailure;
    if (failure) {
      this.ruleFailure = undefined;
      throw failure;
    }
    return { analysed: true, faceCount, opened: this.shown(this.unshown.splice(0)), flagged: this.flagged };
  }

  /**
   * Waits until every frame received so far has been taken by the rules and its row written. A frame is answered
   * before that (pushFrame), so an engine killed meanwhile loses the frames still waiting for a slower model (at most
   * MAX_RULES_BEHIND, or MAX_RULES_BEHIND_SEC of capture time) and the rows not yet written (at most FRAME_BATCH_SEC, live-record.ts).
   */
  async settled(): Promise<void> {
    await this.ruleTail;
    this.record.flushFrames();
  }

  /** Counts a refused frame by its reason and returns the error to throw. */
  refuse(code: string, message: string): FrameRefusal {
    const count = (this.refused.get(code) ?? 0) + 1;
    this.refused.set(code, count);
    return new FrameRefusal(code, `${message} (refused frames in this session: ${[...this.refused.values()].reduce((a, b) => a + b, 0)})`);
  }

  /** Refused frames by reason. */
  get refusedFrames(): Record<string, number> {
    return Object.fromEntries(this.refused);
  }

  /**
   * What the candidate app knows of its devices: the camera and microphone at the start (names checked for
   * virtual cameras) and any change or loss during the exam. Each finding is an alert with the device's names.
   */
  reportDevice(report: DeviceReport): { opened: LiveAlertNotice[]; flagged: boolean } {
    this.assertOpen();
    this.lastT = Math.max(this.lastT, report.t);
    const alert = deviceAlert(report, this.devices);
    this.devices.push(report);
    if (!alert) return { opened: [], flagged: false };
    this.deviceAlerts.push(alert);
    return { opened: [this.notice(alert)], flagged: this.updateKeepRanges() };
  }

  /** An integrity finding from outside the page (the OS's virtual cameras). */
  addIntegrityAlert(alert: Alert): void {
    this.assertOpen();
    this.deviceAlerts.push(alert);
  }

  /** The candidate app's own account of the frames it captured, sent, and dropped while the engine was late. */
  setCaptureStats(stats: CaptureStats): void {
    this.captureStats = stats;
  }

  private notice(a: Alert): LiveAlertNotice {
    return { type: a.type, severity: a.severity, start: a.start, why: explainAlert(a.type, this.options.policy) };
  }

  /** The frame's liveness evidence into the streaming mode, in frame order; a new spoof_suspected alert comes back at once. */
  private async pushLiveness(evidence: Float32Array | null, t: number): Promise<LiveAlertNotice[]> {
    if (!evidence || !this.options.policy.detectors.liveness) return [];
    if (this.liveness === undefined) {
      const opened = await openLivenessMonitor();
      this.liveness = opened.monitor;
      // Said in the report, as `vigil analyze` says it: a build without the model must not look like a live face.
      if (opened.reason) this.addNote(`Temporal liveness not used: ${opened.reason}.`);
    }
    if (!this.liveness) return [];
    this.liveness.push(evidence, t);
    await this.liveness.settle();
    const alerts = this.liveness.alerts();
    const fresh = alerts.slice(this.livenessAlertsSeen);
    this.livenessAlertsSeen = alerts.length;
    return fresh.map((a) => ({ type: a.type, severity: a.severity, start: a.start, why: explainAlert(a.type, this.options.policy) }));
  }

  /** Microphone samples (16 kHz mono) from session time `t`; speech warnings come back as soon as a segment closes. */
  async pushAudio(t: number, samples: Float32Array): Promise<{ opened: LiveAlertNotice[]; flagged: boolean }> {
    this.assertOpen();
    const audio = this.options.audio;
    if (!audio) return { opened: [], flagged: false };
    const at = this.time(t);
    const alerts = await audio.push(at, samples);
    this.lastT = Math.max(this.lastT, at + samples.length / 16_000);
    for (const alert of alerts) this.closeAlert(alert);
    const opened = alerts.map((a) => ({ type: a.type, severity: a.severity, start: a.start, why: explainAlert(a.type, this.options.policy) }));
    return { opened: this.shown(opened), flagged: this.updateKeepRanges() };
  }

  /**
   * One OS signal from the main process. Signals are re-scored as a whole (a copy and its key combo are one act,
   * a focus loss is updated when focus returns), so the live flags and the report agree.
   */
  pushSignal(event: SignalEvent): { opened: LiveAlertNotice[]; flagged: boolean } {
    this.assertOpen();
    // A signal timed by the shell on the session's axis; never after now on the engine's clock.
    const parsed = { ...SignalEvent.parse(event), t: this.time(event.t) };
    this.signals.push(parsed);
    this.record.signal(parsed);
    this.lastT = Math.max(this.lastT, parsed.t);
    const before = new Set(this.signalAlertList.map(alertKey));
    this.signalAlertList = signalAlerts(this.signals);
    const opened = this.signalAlertList.filter((a) => !before.has(alertKey(a))).map((a) => ({ type: a.type, severity: a.severity, start: a.start, why: explainAlert(a.type, this.options.policy) }));
    return { opened: this.shown(opened), flagged: this.updateKeepRanges() };
  }

  /** One evidence segment, stored with its sha256 as soon as it arrives; bounded in time and size. */
  addEvidence(segment: EvidenceSegment): { held: number } {
    this.assertOpen();
    const end = this.time(segment.end);
    const start = Math.min(this.time(segment.start), end);
    if (end - start > SEGMENT_MAX_SEC) throw new Error(`evidence segment ${start.toFixed(1)}-${end.toFixed(1)} s is longer than ${SEGMENT_MAX_SEC} s`);
    if (segment.bytes.byteLength > SEGMENT_MAX_BYTES) throw new Error(`evidence segment is ${segment.bytes.byteLength} bytes; at most ${SEGMENT_MAX_BYTES}`);
    this.lastT = Math.max(this.lastT, end);
    this.evidence.add({ ...segment, start, end }, this.lastT);
    return { held: this.evidence.held.segments };
  }

  /** Scores intervals over the alerts so far (open ones up to now) and keeps video around every flag. */
  /** Every alert so far, the open ones running up to `now`. */
  private currentAlerts(now: number): Alert[] {
    return [...this.closed, ...this.signalAlertList, ...this.feed.all(), ...this.deviceAlerts, ...(this.liveness?.alerts() ?? []), ...[...this.open.entries()].map(([type, o]) => ({ type, severity: o.severity, start: o.start, end: now, confidence: 1, evidence: {} }))];
  }

  /** The session as the invigilator's console sees it: this interval's score, the risk so far, what is active. */
  status(): LiveStatus {
    const { policy } = this.options;
    const now = Math.max(this.lastT, this.clock.now());
    const current = this.currentAlerts(now);
    const intervals = scoreIntervals(current, Math.max(now, 0.001), policy);
    const active = new Set<AlertType>([...this.open.keys()]);
    for (const a of current) if (a.end >= now - HEARTBEAT_SEC) active.add(a.type);
    return { t: round(now), intervalScore: round(intervals.at(-1)?.score ?? 0), riskLevel: scoreRisk(current, policy).level, activeWarnings: [...active].sort(), alerts: current.length };
  }

  private updateKeepRanges(): boolean {
    const { policy } = this.options;
    const now = this.lastT;
    const current = this.currentAlerts(now);
    const { preRollSec, postRollSec } = policy.evidence;
    let flagged = false;
    for (const iv of scoreIntervals(current, Math.max(now, 0.001), policy)) {
      if (!iv.flagged || iv.flaggedAt === null) continue;
      flagged = true;
      if (!this.flaggedIntervals.has(iv.index)) {
        this.flaggedIntervals.add(iv.index);
        this.record.append(iv.flaggedAt, 'interval.flagged', { index: iv.index, start: iv.start, flaggedAt: iv.flaggedAt, score: iv.score, contributions: iv.contributions });
      }
      this.evidence.keep({ start: iv.flaggedAt - preRollSec, end: iv.end + postRollSec });
    }
    for (const a of current) if (a.severity === 'critical') this.evidence.keep({ start: a.start - preRollSec, end: a.end + postRollSec });
    return flagged;
  }

  /** The engine's calibration verdict on the frames so far (the session's first policy.calibration.seconds). */
  async calibrate(): Promise<Calibration & { analysed: boolean; framesReceived: number }> {
    this.assertOpen();
    // The frames already received are part of the window even if the face pipeline is still on them.
    await this.ruleTail;
    const { policy, analyzer } = this.options;
    if (!analyzer.available) {
      return { ...calibrate([], policy, policy.calibration.seconds), status: 'SKIPPED', reasons: [analyzer.reason], analysed: false, framesReceived: this.framesReceived };
    }
    this.calibration = calibrate(this.frames, policy, policy.calibration.seconds);
    this.record.append(this.clock.now(), 'calibration', this.calibration);
    this.rules = this.newRules(this.calibration);
    return { ...this.calibration, analysed: true, framesReceived: this.framesReceived };
  }

  /** An event from outside the frames (a quit-password attempt), appended to the session's chain at once. */
  recordEvent(type: string, payload: unknown): void {
    this.assertOpen();
    this.record.append(Math.max(this.lastT, this.clock.now()), type, payload);
  }

  /** A line for the report from outside the frames (quit-password attempts). */
  addNote(line: string): void {
    this.assertOpen();
    (this.options.notes ??= []).push(line);
    this.record.append(this.clock.now(), 'note', { line });
  }

  /** A capture device changed, as the page saw it (its labels, never trusted beyond what they say). */
  deviceChange(change: { change: string; kind: string; labels: string[] }): void {
    this.assertOpen();
    this.record.append(this.clock.now(), 'device.change', change);
  }

  /** What the shell reports after the session started (its lockdown's state): kept in the chain and the report. */
  addContext(lockdown: Record<string, unknown>): void {
    this.assertOpen();
    this.record.append(this.clock.now(), 'session.context', { lockdown });
  }

  async finish(): Promise<Report> {
    this.assertOpen();
    // Frames still in the face pipeline belong to the session.
    await this.ruleTail;
    this.record.flushFrames();
    const { policy, analyzer, store } = this.options;
    // Alerts still open close now; the record then ends here.
    const now = Math.max(this.lastT, this.clock.now());
    this.lastT = now;
    for (const [type, o] of this.open) this.closeAlert({ type, severity: o.severity, start: o.start, end: now, confidence: 1, evidence: { closedBy: 'session finished' } });
    this.open.clear();
    const video = analyzer.available || this.frames.length > 0;
    const notes = video ? [] : [`Video was not analysed: ${analyzer.available ? 'no frame was analysed' : analyzer.reason}.`];
    notes.push(...(this.options.notes ?? []));
    notes.push(this.rateNote());
    if (this.ruleDelays.length > 0) notes.push(this.ruleNote());
    const refused = [...this.refused.entries()];
    if (refused.length > 0) notes.push(`Frames refused by the engine: ${refused.map(([code, n]) => `${n} ${code}`).join(', ')}; the session went on.`);
    const frames = video ? this.frames : [];
    // Audio alerts from before a restart come from the record (the microphone pipeline started again with it);
    // frame alerts are found again from the stored frames; gaps are alerts of their own.
    const kept = this.closed.filter((a) => a.type === 'session_interrupted' || (a.start < this.resumedAt && AUDIO_ALERTS.has(a.type)));
    const audio = this.options.audio;
    const audioAlerts = audio ? applyAudioRules(await audio.finish(), policy) : [];
    if (audio) notes.push(`Microphone: ${Math.round(audio.received)} s of audio analysed on this computer.`);
    try {
      const report = await analyzeRecording(
        { source: 'live', durationSec: this.lastT, hasVideo: video, hasAudio: audio !== undefined && audio.received > 0, frames, extraAlerts: () => [...kept, ...audioAlerts.filter((a) => a.start >= this.resumedAt), ...signalAlerts(this.signals), ...this.feed.all(), ...this.deviceAlerts, ...(this.liveness?.alerts() ?? [])], livenessScores: () => this.liveness?.timeline() ?? [], liveness: () => this.liveness?.report() ?? null },
        { policy, store, evidence: this.evidence, studentId: this.options.studentId ?? null, examId: this.options.examId ?? null, notes, storedSessionId: this.id, record: () => this.record.summary() },
      );
      // Only a stored report ends the session: after a failure the candidate app may try again, and the
      // segments stay on disk meanwhile.
      this.finished = true;
      this.evidence.dispose();
      await this.stop();
      return report;
    } finally {
      if (analyzer.available) analyzer.analyzer.reset();
    }
  }

  /** The rate the session achieved, in the report: what the engine analysed, and what the app says it dropped. */
  private rateNote(): string {
    const { policy } = this.options;
    const seconds = Math.max(this.lastFrameT, 0.001);
    const rate = this.framesReceived > 1 ? (this.framesReceived - 1) / seconds : 0;
    let note = `Live session: ${this.framesReceived} camera frames received at ${rate.toFixed(1)} fps (policy ${policy.processingFps} fps).`;
    const s = this.captureStats;
    if (s) {
      const asked = s.sent + s.dropped;
      note += ` The candidate app sent ${s.sent} of ${asked} frames at ${s.width}x${s.height} (${s.transport}); ${s.dropped} dropped while the engine was late (${asked ? ((100 * s.dropped) / asked).toFixed(1) : '0.0'} %); capture to result p50 ${Math.round(s.latencyP50Ms)} ms, p95 ${Math.round(s.latencyP95Ms)} ms.`;
    }
    return note;
  }

  /**
   * When the frames reached the rules: a frame is answered once its face path is done, and its slower model (at most
   * one a frame) joins it in the rules afterwards. Said beside the app's capture-to-result latency so it hides nothing.
   */
  private ruleNote(): string {
    const sorted = [...this.ruleDelays].sort((a, b) => a - b);
    const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
    return `Frames reached the alert rules with their slower models (objects, liveness, text, emotion) p50 ${at(0.5)} ms, p95 ${at(0.95)} ms after they arrived in the engine; the candidate app was answered ${this.answeredAtFacePath ? 'when the face path was done' : 'after the rules'}.`;
  }

  private assertOpen(): void {
    if (this.finished) throw new FrameRefusal('session_finished', `session ${this.id} is already finished`);
  }
}

/** A frame or call the session refuses; the code crosses the wire (live-api turns it into an RpcFailure). */
export class FrameRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FrameRefusal';
  }
}

/** Frames the rules may be behind the answers: a second at the policy's default 12 fps. */
export const MAX_RULES_BEHIND = 12;
/** Capture time the rules may be behind the answers, whatever the rate (12 frames are 6 s at 2 fps). */
export const MAX_RULES_BEHIND_SEC = 3;

const AUDIO_ALERTS: ReadonlySet<AlertType> = new Set(['speech', 'multiple_voices']);
const alertKey = (a: Alert) => `${a.type}@${a.start}`;
const round = (v: number) => Math.round(v * 1000) / 1000;
