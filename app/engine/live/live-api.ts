/**
 * The engine methods behind the candidate app's flow: opening a policy (parse, load; the candidate side never
 * writes one: invigilators configure exams in the console), the exam system check and live sessions. Shapes match the IPC contract's channels (checked in app/ipc).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RpcFailure } from '../rpc/protocol';
import { parsePolicy, PolicyError, type AlertType, type ExamPolicy } from '../policy/policy';
import { projectRoot, vigilHome } from '../paths';
import { examView, openExamConfig, UNSIGNED_BANNER, type OpenedExam, type TrustSources } from '../config/open-config';
import { PRACTICE_EXAM } from '../config/practice';
import { machineTrustFile } from '../config/trust';
import type { Store } from '../storage/store';
import type { Severity } from '../rules/alert';
import { analyzerFor, loadFrameAnalyzer } from './frame-analyzer';
import type { RgbFrame } from '../media/frames';
import { LiveAudio } from './live-audio';
import { IdentityChallenge, type IdentityProgress } from './identity-challenge';
import { openLivenessMonitor, type LivenessMonitor } from '../liveness/monitor';
import { EVIDENCE_SEGMENT_SEC, FrameRefusal, LiveSession, type FrameOutcome } from './live-session';
import { CaptureStats, DeviceReport, osVirtualCameraAlert, osVirtualCameras } from './capture-integrity';
import { FrameRefused, decodeFrame, peekFrameSeq, toRgb } from './frame-wire';
import { LiveThumbnails } from './live-thumbnails';
import { QuitRequests, type QuitVerdict } from './quit-request';
import { examSystemCheck, judgedByPolicy, type ExamCheck } from './system-check';
import { VoiceEnrolment, pcm16FromBase64, type EnrolAnswer } from './voice-enrolment';
import { SignalEvent } from '../signals/events';
import { refusalReason } from '../signals/preflight';
import type { ProcessLister } from '../signals/process-list';
import { createSessionClock, wallClockFromEnv, type MonotonicClock } from '../signals/session-clock';
import type { EngineHost } from '../api';
import { checkStartGate, startExamWatch } from './exam-gates';
import { interruptOpenSessions, type LiveContext } from './live-record';
import { LiveSync } from '../sync/live-sync';
import { SyncRunner } from '../sync/sync-runner';

/** An opened exam as the renderer sees it (examView): no quit password hash, enrolment token or SEB key. */
export type ExamOpened = { ok: true } & ReturnType<typeof examView>;
export type PolicyCheck = ExamOpened | { ok: false; field: string; rule: string; message: string; reason?: string };

export interface LiveApi {
  'policy.parse'(params: { text: string; source: string }): Promise<PolicyCheck>;
  'policy.load'(params: { name: string }): Promise<PolicyCheck>;
  /** The invigilator's editor: a policy checked against the schema, not opened as an exam. */
  'policy.check'(params: { text: string; source: string }): Promise<{ ok: true; policy: ExamOpened['policy'] } | { ok: false; field: string; rule: string; message: string }>;
  /** Opens the built-in practice exam (signed with the practice key; its report says practice). */
  'exam.practice'(params: Record<string, never>): Promise<PolicyCheck>;
  /**
   * The opened exam's whole policy, secrets included, for the main process (lockdown, quit gate, SEB header).
   * Deliberately not in the IPC contract: the page never gets it.
   */
  'exam.current'(params: Record<string, never>): Promise<{ mode: OpenedExam['mode']; examId: string | null; policy: ExamPolicy }>;
  'system.check'(params: Record<string, never>): Promise<{ checks: ExamCheck[] }>;
  /** Starts the identity step over; its photo and challenge frames come as bytes with this id (session.frameBytes). */
  'identity.begin'(params: Record<string, never>): Promise<{ identityId: string }>;
  /** A sentence read aloud (16 kHz mono 16-bit PCM, base64): the candidate's voice for the sessions after it. */
  'voice.enrol'(params: { samples: string }): Promise<EnrolAnswer>;
  /** The candidate goes on without an enrolled voice; the report says why. */
  'voice.skip'(params: Record<string, never>): Promise<{ enrolled: false; reason: string }>;
  'session.start'(params: { studentId?: string; examId?: string; devices?: { camera?: string; microphone?: string } }): Promise<{ sessionId: string; vision: { available: boolean; reason: string | null }; processingFps: number; segmentSec: number; calibrationSeconds: number; clockOriginNs: string }>;
  'session.frame'(params: { sessionId: string; t: number; width: number; height: number; rgb: string }): Promise<FrameOutcome>;
  /**
   * One camera frame as bytes (frame-wire.ts: header, then the pixels as captured), from the browser shell's
   * binary WebSocket message or Electron's MessagePort. Refusals (bad header or size, another session, a finished
   * one) are counted and answered with their code; the session goes on.
   */
  'session.frameBytes'(params: { bytes: Uint8Array }): Promise<FrameBytesAnswer>;
  /** The devices the candidate app opened at the start, and any that ended or changed during the exam. */
  'session.camera'(params: { sessionId: string; report: unknown }): Promise<{ opened: FrameOutcome['opened']; flagged: boolean }>;
  'session.audio'(params: { sessionId: string; t: number; samples: string }): Promise<{ opened: FrameOutcome['opened']; flagged: boolean }>;
  'session.evidence'(params: { sessionId: string; start: number; end: number; mime: string; data: string }): Promise<{ held: number }>;
  'session.calibrate'(params: { sessionId: string }): Promise<{ status: 'SUCCESS' | 'FAILED' | 'SKIPPED'; reasons: string[]; framesSeen: number; framesAccepted: number; minFrames: number; analysed: boolean; framesReceived: number }>;
  'session.finish'(params: { sessionId: string; capture?: unknown }): Promise<FinishedSession>;
  /** The candidate asks to leave: the quit password is checked here; once accepted the app finishes the session. */
  'session.quit'(params: { sessionId: string; password: string }): Promise<QuitVerdict>;
  /**
   * An OS signal observed by the main process. Deliberately not in the IPC contract: only the main process may
   * report what the operating system did, never the page.
   */
  'session.signal'(params: { sessionId: string; event: unknown }): Promise<{ opened: FrameOutcome['opened']; flagged: boolean }>;
  /** A capture device changed (the page saw it): recorded in the session's chain. */
  'session.device'(params: { sessionId: string; change: 'devices_changed' | 'track_ended'; kind: 'camera' | 'microphone' | 'other'; labels: string[] }): Promise<{ recorded: true }>;
  /** The shell's lockdown state once it started (main process only, like session.signal): into the record. */
  'session.context'(params: { sessionId: string; lockdown: Record<string, unknown> }): Promise<{ ok: true }>;
  /**
   * The session's link to the institution: instructions for the candidate (`done`: the ids the app has shown or
   * acted on, confirmed on the next heartbeat) and what was sent and what waits (also after the session finished).
   */
  'session.sync'(params: { sessionId: string; done?: string[] }): Promise<SessionSyncView>;
}

/** The answer to a frame sent as bytes: its outcome, or why it was refused; `seq` is the frame's own number. */
export type FrameBytesAnswer =
  | { seq: number; ok: true; outcome: FrameOutcome }
  | { seq: number; ok: true; enrolment: { enrolled: boolean; reason: string | null } }
  | { seq: number; ok: true; identity: IdentityProgress }
  | { seq: number | null; ok: false; error: { code: string; message: string }; refused: number };

export interface FinishedSession {
  sessionId: string;
  durationSec: number;
  framesAnalysed: number;
  calibration: 'SUCCESS' | 'FAILED' | 'SKIPPED';
  risk: { score: number; level: 'CLEAN' | 'BORDERLINE' | 'SUSPICIOUS' | 'HIGH_RISK' };
  alerts: { type: AlertType; start: number; end: number; severity: Severity }[];
  flaggedIntervals: number;
  segments: { start: number; end: number; size: number }[];
  notes: string[];
}

const PolicyName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, dot, dash or underscore (at most 64)');

function check(value: unknown, source: string): { ok: true; policy: ExamPolicy } | { ok: false; field: string; rule: string; message: string } {
  try {
    return { ok: true, policy: parsePolicy(value, source) };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const rest = error.message.slice(source.length + 2);
    const cut = rest.indexOf(': ');
    return { ok: false, field: cut >= 0 ? rest.slice(0, cut) : '(top level)', rule: cut >= 0 ? rest.slice(cut + 2) : rest, message: error.message };
  }
}


/** A frame's RGB bytes from base64, refused unless they are exactly width x height x 3. */
function rgbBytes(rgb: string, width: number, height: number): Uint8Array {
  const data = new Uint8Array(Buffer.from(rgb, 'base64'));
  if (data.byteLength !== width * height * 3) throw new RpcFailure('bad_frame', `frame is ${data.byteLength} bytes; ${width}x${height} RGB needs ${width * height * 3}`);
  return data;
}

export interface LiveApiDeps {
  store: Store;
  env: NodeJS.ProcessEnv;
  /** Where the trusted keys are; default: this app's resources/trust.json and the machine-wide file. */
  trust?: TrustSources;
  /** Milliseconds since 1970, for expiry (tests move it). */
  now?: () => number;
  /** Which shell hosts the engine: the browser shell holds no keyboard lock (exam-gates.ts). Default node. */
  host?: EngineHost;
  /** The process listing the exam's gates read (tests give their own); default the OS's. */
  listProcesses?: ProcessLister;
  /** Which shell runs the engine: an Electron utility process, or a Node child of the browser shell. */
  shell?: LiveContext['shell'];
  /** The machine's monotonic clock; tests that send times ahead of real time drive their own. */
  monotonic?: MonotonicClock;
  /** Sync settings for tests (heartbeat and interim periods, the spooler's idle tick); the protocol's by default. */
  sync?: { heartbeatSec?: number; interimSec?: number; idleMs?: number };
}

/** What the candidate app learns of its session's link to the institution (the `session.sync` channel). */
export interface SessionSyncView {
  /** The exam's server, or null when nothing is sent anywhere (practice, unsigned, no server in the config). */
  server: string | null;
  /** Instructions from the invigilator not yet shown or acted on. */
  instructions: { id: string; kind: 'message' | 'finish' | 'pause'; message: string | null }[];
  /** This session's outbox by kind: what the server acknowledged, what still waits. */
  outbox: { kind: string; sent: number; pending: number }[];
  /** The last heartbeat: when, and whether the server answered. */
  heartbeat: { at: string; ok: boolean } | null;
  lastError: string | null;
}

/** The live API, and what the engine runs once at start (not an RPC method: no shell or page may call it). */
export interface LiveEngine {
  api: LiveApi;
  recover(options: { restarted: boolean }): Promise<string[]>;
  /** Stops heartbeats and the background spooler (tests; an engine process simply exits). */
  stopSync(): Promise<void>;
}

export function createLiveApi(deps: LiveApiDeps): LiveApi {
  return createLiveEngine(deps).api;
}

export function createLiveEngine(deps: LiveApiDeps): LiveEngine {
  const host = deps.host ?? 'node';
  const home = vigilHome(deps.env);
  const wall = wallClockFromEnv(deps.env);
  /** The exam system check the candidate last passed, for the record of the session started after it. */
  let preflight: LiveContext['preflight'] = [];
  const trust = deps.trust ?? { installerFile: join(projectRoot(), 'resources', 'trust.json'), machineFile: machineTrustFile() };
  // The developer flag: unsigned policies open, and say so on screen and in the report.
  const allowUnsigned = deps.env.VIGIL_ALLOW_UNSIGNED === '1';
  /** The verified exam the candidate opened; the engine keeps it, the renderer only ever gets examView. */
  let opened: OpenedExam | undefined;
  const open = async (text: string, source: string): Promise<PolicyCheck> => {
    const result = await openExamConfig(text, source, { trust, allowUnsigned, now: (deps.now ?? Date.now)() });
    if (!result.ok) {
      // A refused config replaces nothing stored, and closes what was open: the candidate must not sit it.
      opened = undefined;
      return { ok: false, field: result.field, rule: result.rule, message: result.message, reason: result.reason };
    }
    const { ok: _ok, ...exam } = result;
    opened = exam;
    return { ok: true, ...examView(exam) };
  };
  const openedExam = (): OpenedExam => {
    if (!opened) throw new RpcFailure('no_exam', 'no exam is open: open a signed exam config (or the practice exam) first');
    return opened;
  };
  const policiesDir = join(home, 'policies');
  /** The spooler in the background: started by the first synced session, or at engine start when rows wait. */
  /** SPKI pins of the servers the opened exams name (the spooler reads them when it first connects to a server). */
  const spkiPins: Record<string, string> = {};
  const runner = new SyncRunner({ store: deps.store, idleMs: deps.sync?.idleMs, spkiPins, log: (line) => process.stderr.write(`vigil: ${line}\n`) });
  /** Heartbeats and instructions of the running synced sessions. */
  const links = new Map<string, LiveSync>();
  /** Live thumbnails of the synced sessions whose policy asks for them (live-thumbnails.ts). */
  const thumbnails = new Map<string, LiveThumbnails>();
  const linkToServer = (live: LiveSession) => {
    const link = new LiveSync({ store: deps.store, sessionId: live.id, spkiPins, status: () => live.status(), kick: () => runner.kick(), heartbeatSec: deps.sync?.heartbeatSec, interimSec: deps.sync?.interimSec, log: (line) => process.stderr.write(`vigil: ${line}\n`), record: (type, payload) => live.recordEvent(type, payload) });
    links.set(live.id, link);
    if (live.policy.liveView === 'thumbnails') thumbnails.set(live.id, new LiveThumbnails({ store: deps.store, sessionId: live.id, spkiPins }));
    runner.start();
    link.start();
  };
  const sessions = new Map<string, LiveSession>();
  /** Quit-password attempts per live session, noted in its report when it finishes. */
  const quits = new Map<string, QuitRequests>();
  /** The start checks repeated while each session runs (exam-gates.ts). */
  const watches = new Map<string, { revert(): Promise<void> }>();
  /** The identity step before the session: enrolment, then the challenge; its outcome goes into the report. */
  let identity: { challenge: IdentityChallenge; frames: number; liveness: LivenessMonitor | null } | undefined;
  let identityNote: string | undefined;
  /** The identity step's current attempt (identity.begin): its frames carry this id. */
  let identityId: string | undefined;

  /** The identity photo: the face in it becomes the enrolled identity, and the challenge starts. */
  const enrolFrom = async (frame: RgbFrame): Promise<{ enrolled: boolean; reason: string | null }> => {
    const policy = openedExam().policy;
    if (!policy.detectors.identity) return { enrolled: false, reason: 'this exam policy turns identity checking off' };
    const analyzer = await analyzerFor(policy);
    if (!analyzer.available) return { enrolled: false, reason: analyzer.reason };
    const enrolled = await analyzer.analyzer.enroll(frame, policy.rules.identityBelow);
    // Passive liveness runs beside the blink-and-turn challenge (when the policy's liveness detector is on).
    const liveness = enrolled && policy.detectors.liveness ? (await openLivenessMonitor()).monitor : null;
    identity = enrolled ? { challenge: new IdentityChallenge(policy.rules.identityBelow), frames: 0, liveness } : undefined;
    identityNote = enrolled ? 'Identity: face enrolled; challenge not completed.' : undefined;
    return { enrolled, reason: enrolled ? null : 'no face was found in the photo' };
  };
  /** One frame of the blink and head-turn challenge, at `frame.t` seconds since it started. */
  const challengeFrame = async (frame: RgbFrame): Promise<IdentityProgress> => {
    if (!identity) throw new RpcFailure('not_enrolled', 'take the identity photo first');
    const analyzer = await loadFrameAnalyzer();
    if (!analyzer.available) throw new RpcFailure('no_vision', analyzer.reason);
    const { features, livenessEvidence: evidence } = await analyzer.analyzer.analyze({ ...frame, index: identity.frames++ });
    const progress = identity.challenge.push(features);
    if (evidence && identity.liveness) {
      identity.liveness.push(evidence, frame.t);
      await identity.liveness.settle();
    }
    identityNote = [identity.challenge.summary(), identity.liveness?.describe('Passive liveness during the identity check')].filter(Boolean).join(' ');
    return progress;
  };
  const voice = new VoiceEnrolment();
  /** Sessions that finished: a frame for one is refused as late, not as unknown. */
  const finishedIds = new Set<string>();
  /** Frames refused by this engine since it started, whatever session they named. */
  let refusedFrames = 0;

  /** Every quit attempt is an event in the session's chain (live-session.ts recordEvent). */
  const quitRequests = (live: LiveSession) => new QuitRequests(live.policy.quitPasswordHash, { now: deps.now, onAttempt: (attempt) => live.recordEvent('quit.attempt', attempt) });
  /**
   * The live session, from memory or, after the engine restarted mid-exam, from the store: a session still open
   * there goes on where its record stops, with the gap recorded.
   */
  const resuming = new Map<string, Promise<LiveSession>>();
  const session = async (id: string): Promise<LiveSession> => {
    const s = sessions.get(id);
    if (s) return s;
    const stored = deps.store.sessions.get(id);
    if (!stored || stored.source !== 'live' || stored.status !== 'open') throw new RpcFailure('no_session', `no live session ${id} (it finished, or was never started)`);
    let pending = resuming.get(id);
    if (!pending) {
      pending = resume(id).finally(() => resuming.delete(id));
      resuming.set(id, pending);
    }
    return pending;
  };
  /** `toReport`: only to be reported (no page is left): no models are loaded, the stored features suffice. */
  const resume = async (id: string, toReport = false): Promise<LiveSession> => {
    const policy = parsePolicy(deps.store.sessions.get(id)!.policy, `session ${id} policy`);
    const analyzer = toReport ? { available: false as const, reason: 'no camera frames arrived after Vigil started again' } : await analyzerFor(policy);
    // The voice enrolment lived in the stopped engine; the resumed microphone pipeline goes on without it.
    const audio = policy.detectors.audio && !toReport ? await LiveAudio.open() : undefined;
    const live = LiveSession.resume({ policy, analyzer, store: deps.store, workDir: join(home, 'live'), audio, watchWallClock: !toReport }, id, wall);
    sessions.set(id, live);
    // A synced session goes on heartbeating where it stopped (its enrolment and events are in the store).
    if (!toReport && deps.store.syncTargets.get(id) && !links.has(id)) {
      linkToServer(live);
    }
    quits.set(id, quitRequests(live));
    return live;
  };
  const api: LiveApi = {
    async 'policy.parse'({ text, source }) {
      return open(text, source);
    },
    async 'policy.check'({ text, source }) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        return { ok: false, field: '(file)', rule: `not valid JSON (${(error as Error).message})`, message: `${source}: not valid JSON` };
      }
      const result = check(json, source);
      return result.ok ? { ok: true, policy: examView({ mode: 'unsigned', examId: null, policy: result.policy }).policy } : result;
    },
    async 'exam.practice'() {
      return open(PRACTICE_EXAM, 'practice exam');
    },
    async 'exam.current'() {
      const exam = openedExam();
      return { mode: exam.mode, examId: exam.examId, policy: exam.policy };
    },
    async 'policy.load'({ name }) {
      const parsed = PolicyName.safeParse(name);
      if (!parsed.success) return { ok: false, field: '(link)', rule: `policy name ${parsed.error.issues[0]!.message}`, message: `${name}: not a policy name` };
      // A saved exam is a signed config (<name>.vigil-exam) or, for developers, an unsigned policy (<name>.json).
      const path = [join(policiesDir, `${parsed.data}.vigil-exam`), join(policiesDir, `${parsed.data}.json`)].find((p) => existsSync(p));
      if (!path) return { ok: false, field: '(link)', rule: `no saved exam named "${name}" on this computer`, message: `${join(policiesDir, parsed.data)}: missing` };
      return open(readFileSync(path, 'utf8'), path.slice(policiesDir.length + 1));
    },
    async 'system.check'() {
      const checks = await examSystemCheck(deps.env);
      // With an exam open, its policy judges the OS checks as session.start will (exam-gates.ts).
      const judged = opened ? judgedByPolicy(checks, (await checkStartGate({ policy: opened.policy, host, env: deps.env, clock: createSessionClock(), ...(deps.listProcesses ? { listProcesses: deps.listProcesses } : {}) })).preflight) : checks;
      preflight = judged.map(({ id, status, summary }) => ({ id, status, summary }));
      return { checks: judged };
    },
    async 'identity.begin'() {
      identityId = randomUUID();
      identity = undefined;
      identityNote = undefined;
      return { identityId };
    },
    async 'voice.enrol'({ samples }) {
      return voice.enrol(pcm16FromBase64(samples));
    },
    async 'voice.skip'() {
      return voice.skip();
    },
    async 'session.start'({ studentId, examId, devices }) {
      const exam = openedExam();
      const parsed = { policy: exam.policy };
      // One candidate, one session at a time: a second start is refused, never a silent discard of the first
      // (the candidate app finishes a session before it starts another, e.g. to calibrate again).
      const running = [...sessions.keys()];
      if (running.length) throw new RpcFailure('session_running', `session ${running[0]} is still running: finish it before starting another`);
      // The exam's start conditions (policy.os): refused here, in the engine, whatever the page did before.
      const clock = createSessionClock();
      const gate = await checkStartGate({ policy: parsed.policy, host, env: deps.env, clock, ...(deps.listProcesses ? { listProcesses: deps.listProcesses } : {}) });
      if (!gate.preflight.mayStart) throw new RpcFailure('start_refused', `this exam may not start on this computer: ${refusalReason(gate.preflight)}`);
      if (sessions.size) throw new RpcFailure('session_running', 'another session started meanwhile');
      const analyzer = await analyzerFor(parsed.policy);
      if (analyzer.available) analyzer.analyzer.reset();
      const notes = [examNote(exam), ...gate.warnings, identityNote ?? (parsed.policy.detectors.identity ? 'Identity: not checked by Vigil (no face enrolled).' : 'Identity: not checked (off in this exam policy).')];
      // What identity_mismatch compares with: reset() above closed the enrolment (app/engine/vision/enrolment.ts).
      const enrolledFrames = identityNote && analyzer.available ? await analyzer.analyzer.enrolledFrames?.() : undefined;
      if (enrolledFrames) notes.push(`Identity: the face is checked against the identity photo${enrolledFrames > 1 ? ` and ${enrolledFrames - 1} challenge frame${enrolledFrames > 2 ? 's' : ''} that matched it, averaged` : ' alone'}.`);
      const audio = parsed.policy.detectors.audio ? await LiveAudio.open(voice.current) : undefined;
      if (audio) notes.push(audio.voiceNote);
      const context: LiveContext = { shell: deps.shell ?? 'browser', preflight, devices: { camera: devices?.camera ?? null, microphone: devices?.microphone ?? null }, lockdown: deps.shell === 'electron' ? { state: 'not reported yet' } : { state: 'none', why: 'the browser shell has no OS lockdown' } };
      // A signed exam that names its server and an enrolment token is sent there; practice and unsigned never are.
      const sync = exam.mode === 'exam' && exam.server && exam.enrolmentToken ? { serverUrl: exam.server.url, examToken: exam.enrolmentToken, studentId: studentId ?? 'not given', spkiPin: exam.server.spkiPin ?? null } : undefined;
      if (sync && exam.server?.spkiPin) spkiPins[sync.serverUrl.replace(/\/+$/, '')] = exam.server.spkiPin;
      if (sync) notes.push(`Sent to ${new URL(sync.serverUrl).origin} as it is recorded (events, heartbeats, flagged clips, this report).`);
      const live = new LiveSession({ policy: parsed.policy, analyzer, store: deps.store, workDir: join(home, 'live'), studentId: studentId ?? null, examId: exam.examId ?? examId ?? null, notes, audio, context, clock: createSessionClock({ wall, monotonic: deps.monotonic }), sync });
      sessions.set(live.id, live);
      if (sync) {
        linkToServer(live);
      }
      // What the OS tells of virtual cameras, as the session starts (the system check warned before).
      const os = osVirtualCameraAlert(osVirtualCameras(), 0);
      if (os) live.addIntegrityAlert(os);
      quits.set(live.id, quitRequests(live));
      const record = (event: SignalEvent) => {
        try {
          live.pushSignal(event);
        } catch {
          // the session finished between a check and its report
        }
      };
      if (parsed.policy.detectors.os) {
        for (const event of gate.signals) record(event);
        watches.set(live.id, startExamWatch({ policy: parsed.policy, host, env: deps.env, clock, sink: record, alreadyReported: gate.signals, ...(deps.listProcesses ? { listProcesses: deps.listProcesses } : {}) }));
      }
      return {
        sessionId: live.id,
        vision: analyzer.available ? { available: true, reason: null } : { available: false, reason: analyzer.reason },
        processingFps: parsed.policy.processingFps,
        segmentSec: EVIDENCE_SEGMENT_SEC,
        calibrationSeconds: parsed.policy.calibration.seconds,
        // The session's origin on the machine's monotonic clock: a shell times its OS signals on the same axis.
        clockOriginNs: live.clock.originNs.toString(),
      };
    },
    async 'session.frame'({ sessionId, t, width, height, rgb }) {
      const s = await session(sessionId);
      return s.pushFrame({ width, height, data: rgbBytes(rgb, width, height), t, index: 0 });
    },
    async 'session.frameBytes'({ bytes }) {
      const refuse = (seq: number | null, code: string, message: string): FrameBytesAnswer => {
        refusedFrames += 1;
        return { seq, ok: false, error: { code, message }, refused: refusedFrames };
      };
      if (!(bytes instanceof Uint8Array)) return refuse(null, 'bad_frame', 'a frame must be bytes');
      let decoded: ReturnType<typeof decodeFrame>;
      try {
        decoded = decodeFrame(bytes);
      } catch (error) {
        if (!(error instanceof FrameRefused)) throw error;
        // Counted on the running session too, so its report says frames were refused.
        for (const s of sessions.values()) s.refuse(error.code, error.message);
        return refuse(peekFrameSeq(bytes), error.code, error.message);
      }
      const { header, pixels } = decoded;
      if (header.purpose !== 'session') {
        // The identity step's photo or challenge frame: only for its current attempt, never counted on a session.
        if (header.sessionId !== identityId) return refuse(header.seq, 'no_session', `frame ${header.seq} is for identity step ${header.sessionId}, which is not the one running here`);
        const frame = { width: header.width, height: header.height, data: toRgb(header, pixels), t: header.t, index: header.seq };
        try {
          return header.purpose === 'enrol' ? { seq: header.seq, ok: true, enrolment: await enrolFrom(frame) } : { seq: header.seq, ok: true, identity: await challengeFrame(frame) };
        } catch (error) {
          if (error instanceof RpcFailure) return refuse(header.seq, error.code, error.message);
          throw error;
        }
      }
      const s = sessions.get(header.sessionId);
      if (!s) {
        const late = finishedIds.has(header.sessionId);
        const code = late ? 'session_finished' : 'no_session';
        const message = late ? `frame ${header.seq} is for session ${header.sessionId}, which has finished` : `frame ${header.seq} is for session ${header.sessionId}, which is not running here`;
        for (const running of sessions.values()) running.refuse(code, message);
        return refuse(header.seq, code, message);
      }
      try {
        const frame = { width: header.width, height: header.height, data: toRgb(header, pixels), t: header.t, index: header.seq };
        const outcome = await s.pushFrame(frame);
        thumbnails.get(s.id)?.offer(frame);
        return { seq: header.seq, ok: true, outcome };
      } catch (error) {
        if (error instanceof FrameRefusal) return refuse(header.seq, error.code, error.message);
        throw error;
      }
    },
    async 'session.camera'({ sessionId, report }) {
      const parsed = DeviceReport.safeParse(report);
      if (!parsed.success) throw new RpcFailure('bad_device_report', `device report: ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return (await session(sessionId)).reportDevice(parsed.data);
    },
    async 'session.audio'({ sessionId, t, samples }) {
      return (await session(sessionId)).pushAudio(t, pcm16FromBase64(samples));
    },
    async 'session.evidence'({ sessionId, start, end, mime, data }) {
      const bytes = new Uint8Array(Buffer.from(data, 'base64'));
      // A segment must be a whole file on its own (MediaRecorder restarted per segment): WebM starts with EBML.
      if (mime.endsWith('webm') && !(bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)) {
        throw new RpcFailure('bad_segment', `evidence segment ${start.toFixed(1)}-${end.toFixed(1)} s is not a WebM file`);
      }
      const live = await session(sessionId);
      try {
        return live.addEvidence({ start, end, mime, bytes });
      } catch (error) {
        throw new RpcFailure('bad_segment', (error as Error).message);
      }
    },
    async 'session.signal'({ sessionId, event }) {
      const parsed = SignalEvent.safeParse(event);
      if (!parsed.success) throw new RpcFailure('bad_signal', `signal: ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return (await session(sessionId)).pushSignal(parsed.data);
    },
    async 'session.device'({ sessionId, change, kind, labels }) {
      (await session(sessionId)).deviceChange({ change, kind, labels });
      return { recorded: true };
    },
    async 'session.context'({ sessionId, lockdown }) {
      (await session(sessionId)).addContext(lockdown);
      return { ok: true };
    },
    async 'session.sync'({ sessionId, done }) {
      const target = deps.store.syncTargets.get(sessionId);
      if (!target) {
        if (!deps.store.sessions.get(sessionId)) throw new RpcFailure('no_session', `no session ${sessionId} on this computer`);
        return { server: null, instructions: [], outbox: [], heartbeat: null, lastError: null };
      }
      const link = links.get(sessionId);
      const instructions = link ? link.exchange(done ?? []).map((i) => ({ id: i.id, kind: i.kind, message: i.message ?? null })) : [];
      return {
        server: new URL(target.serverUrl).origin,
        instructions,
        outbox: deps.store.outbox.counts(sessionId),
        heartbeat: link?.last ? { at: link.last.at, ok: link.last.ok } : null,
        lastError: link?.last?.error ?? (runner.reachable === false ? runner.spooler.lastError : null),
      };
    },
    async 'session.calibrate'({ sessionId }) {
      const c = await (await session(sessionId)).calibrate();
      return { status: c.status, reasons: c.reasons, framesSeen: c.framesSeen, framesAccepted: c.framesAccepted, minFrames: c.minFrames, analysed: c.analysed, framesReceived: c.framesReceived };
    },
    async 'session.quit'({ sessionId, password }) {
      const s = await session(sessionId);
      const quit = quits.get(sessionId) ?? quitRequests(s);
      quits.set(sessionId, quit);
      return quit.check(password);
    },
    async 'session.finish'({ sessionId, capture }) {
      const s = await session(sessionId);
      if (capture !== undefined) {
        const stats = CaptureStats.safeParse(capture);
        if (!stats.success) throw new RpcFailure('bad_capture_stats', `capture: ${stats.error.issues[0]?.path.join('.') || '(root)'}: ${stats.error.issues[0]?.message ?? 'invalid'}`);
        s.setCaptureStats(stats.data);
      }
      // Noted once: a finish that fails and is retried keeps the line in the session's notes.
      const quitNote = quits.get(sessionId)?.note();
      quits.delete(sessionId);
      if (quitNote) s.addNote(quitNote);
      const watch = watches.get(sessionId);
      watches.delete(sessionId);
      await watch?.revert();
      const report = await s.finish();
      sessions.delete(sessionId);
      finishedIds.add(sessionId);
      // The report and its clips are in the outbox now; the last heartbeat carries any confirmation still unsent.
      const link = links.get(sessionId);
      links.delete(sessionId);
      await link?.stop();
      await thumbnails.get(sessionId)?.idle();
      thumbnails.delete(sessionId);
      runner.kick();
      return {
        sessionId: report.sessionId,
        durationSec: report.durationSec,
        framesAnalysed: report.media.framesAnalysed,
        calibration: report.calibration.status,
        risk: { score: report.risk.score, level: report.risk.level },
        alerts: report.alerts.map(({ type, start, end, severity }) => ({ type, start, end, severity })),
        flaggedIntervals: report.intervals.filter((i) => i.flagged).length,
        segments: report.segments.map(({ start, end, size }) => ({ start, end, size })),
        notes: report.notes,
      };
    },
  };

  /**
   * At engine start: live sessions left open were cut off, and are marked so. After a crash the shell restarts
   * the engine (`restarted`) and the page goes on with its session, which resumes on its next call; on a fresh
   * start no page is left, so each is resumed and finished at once: its report shows the gap up to now.
   */
  const recover = async ({ restarted }: { restarted: boolean }) => {
    // What an earlier run left in the outbox goes now (the candidate may have closed the app with items pending).
    if (deps.store.outbox.pendingCount() > 0) runner.start();
    const ids = interruptOpenSessions(deps.store, wall);
    if (restarted) return ids;
    for (const id of ids) {
      try {
        const live = await resume(id, true);
        live.addNote('The exam did not go on after Vigil stopped: this report was made when Vigil started again.');
        await live.finish();
      } catch (error) {
        process.stderr.write(`vigil: session ${id}: cannot report the interrupted session (${(error as Error).message})\n`);
      } finally {
        sessions.delete(id);
        quits.delete(id);
      }
    }
    if (deps.store.outbox.pendingCount() > 0) runner.start();
    return ids;
  };

  const stopSync = async () => {
    for (const link of links.values()) await link.stop();
    links.clear();
    await runner.stop();
  };

  return { api, recover, stopSync };
}

/** The report's first line: what kind of exam this was, so an unsigned or practice run can never pass for a real one. */
function examNote(exam: OpenedExam): string {
  if (exam.mode === 'unsigned') return `Exam config: ${UNSIGNED_BANNER} (opened with the developer flag; its policy was not signed by anyone).`;
  if (exam.mode === 'practice') return 'Exam config: practice (the built-in practice exam; nothing is sent to an institution).';
  return `Exam config: ${exam.examId}, signed by "${exam.signer}", valid until ${exam.expiresAt}.`;
}
