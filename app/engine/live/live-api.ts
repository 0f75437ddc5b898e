/**
 * The engine methods behind the candidate app's flow: policies (parse, load, save), the invigilator's password,
 * the exam system check and live sessions. Shapes match the IPC contract's channels (checked in app/ipc).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RpcFailure } from '../rpc/protocol';
import { parsePolicy, PolicyError, type AlertType, type ExamPolicy } from '../policy/policy';
import { vigilHome } from '../paths';
import type { Store } from '../storage/store';
import type { Severity } from '../rules/alert';
import { analyzerFor, loadFrameAnalyzer } from './frame-analyzer';
import { LiveAudio } from './live-audio';
import { IdentityChallenge, type IdentityProgress } from './identity-challenge';
import { EVIDENCE_SEGMENT_SEC, LiveSession, type FrameOutcome } from './live-session';
import { checkInvigilatorPassword } from './invigilator-password';
import { hashPassword } from './password';
import { QuitRequests, type QuitVerdict } from './quit-request';
import { examSystemCheck, judgedByPolicy, type ExamCheck } from './system-check';
import { VoiceEnrolment, pcm16FromBase64, type EnrolAnswer } from './voice-enrolment';
import { SignalEvent } from '../signals/events';
import { refusalReason } from '../signals/preflight';
import type { ProcessLister } from '../signals/process-list';
import { createSessionClock } from '../signals/session-clock';
import type { EngineHost } from '../api';
import { checkStartGate, startExamWatch } from './exam-gates';

export type PolicyCheck = { ok: true; policy: ExamPolicy } | { ok: false; field: string; rule: string; message: string };

export interface LiveApi {
  'policy.parse'(params: { text: string; source: string }): Promise<PolicyCheck>;
  'policy.load'(params: { name: string }): Promise<PolicyCheck>;
  'policy.save'(params: { name: string; policy: Record<string, unknown>; quitPassword?: string; invigilatorPassword: string }): Promise<{ ok: true; path: string } | { ok: false; field: string; rule: string; message: string }>;
  'invigilator.unlock'(params: { password: string }): Promise<{ ok: boolean; firstUse: boolean }>;
  'system.check'(params: { policy?: Record<string, unknown> }): Promise<{ checks: ExamCheck[] }>;
  'identity.enroll'(params: { policy: Record<string, unknown>; width: number; height: number; rgb: string }): Promise<{ enrolled: boolean; reason: string | null }>;
  'identity.frame'(params: { t: number; width: number; height: number; rgb: string }): Promise<IdentityProgress>;
  /** A sentence read aloud (16 kHz mono 16-bit PCM, base64): the candidate's voice for the sessions after it. */
  'voice.enrol'(params: { samples: string }): Promise<EnrolAnswer>;
  /** The candidate goes on without an enrolled voice; the report says why. */
  'voice.skip'(params: Record<string, never>): Promise<{ enrolled: false; reason: string }>;
  'session.start'(params: { policy: Record<string, unknown>; studentId?: string; examId?: string }): Promise<{ sessionId: string; vision: { available: boolean; reason: string | null }; processingFps: number; segmentSec: number; calibrationSeconds: number }>;
  'session.frame'(params: { sessionId: string; t: number; width: number; height: number; rgb: string }): Promise<FrameOutcome>;
  'session.audio'(params: { sessionId: string; t: number; samples: string }): Promise<{ opened: FrameOutcome['opened']; flagged: boolean }>;
  'session.evidence'(params: { sessionId: string; start: number; end: number; mime: string; data: string }): Promise<{ held: number }>;
  'session.calibrate'(params: { sessionId: string }): Promise<{ status: 'SUCCESS' | 'FAILED' | 'SKIPPED'; reasons: string[]; framesSeen: number; framesAccepted: number; minFrames: number; analysed: boolean; framesReceived: number }>;
  'session.finish'(params: { sessionId: string }): Promise<FinishedSession>;
  /** The candidate asks to leave: the quit password is checked here; once accepted the app finishes the session. */
  'session.quit'(params: { sessionId: string; password: string }): Promise<QuitVerdict>;
  /**
   * An OS signal observed by the main process. Deliberately not in the IPC contract: only the main process may
   * report what the operating system did, never the page.
   */
  'session.signal'(params: { sessionId: string; event: unknown }): Promise<{ opened: FrameOutcome['opened']; flagged: boolean }>;
}

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

function check(value: unknown, source: string): PolicyCheck {
  try {
    return { ok: true, policy: parsePolicy(value, source) };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const rest = error.message.slice(source.length + 2);
    const cut = rest.indexOf(': ');
    return { ok: false, field: cut >= 0 ? rest.slice(0, cut) : '(top level)', rule: cut >= 0 ? rest.slice(cut + 2) : rest, message: error.message };
  }
}

function checkText(text: string, source: string): PolicyCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, field: '(file)', rule: `not valid JSON (${(error as Error).message})`, message: `${source}: not valid JSON (${(error as Error).message})` };
  }
  return check(json, source);
}

/** A frame's RGB bytes from base64, refused unless they are exactly width x height x 3. */
function rgbBytes(rgb: string, width: number, height: number): Uint8Array {
  const data = new Uint8Array(Buffer.from(rgb, 'base64'));
  if (data.byteLength !== width * height * 3) throw new RpcFailure('bad_frame', `frame is ${data.byteLength} bytes; ${width}x${height} RGB needs ${width * height * 3}`);
  return data;
}

export function createLiveApi(deps: { store: Store; env: NodeJS.ProcessEnv; host?: EngineHost; listProcesses?: ProcessLister }): LiveApi {
  const host = deps.host ?? 'node';
  const home = vigilHome(deps.env);
  const policiesDir = join(home, 'policies');
  const sessions = new Map<string, LiveSession>();
  /** Quit-password attempts per live session, noted in its report when it finishes. */
  const quits = new Map<string, QuitRequests>();
  /** The start checks repeated while each session runs (exam-gates.ts). */
  const watches = new Map<string, { revert(): Promise<void> }>();
  /** The identity step before the session: enrolment, then the challenge; its outcome goes into the report. */
  let identity: { challenge: IdentityChallenge; frames: number } | undefined;
  let identityNote: string | undefined;
  const voice = new VoiceEnrolment();

  const session = (id: string): LiveSession => {
    const s = sessions.get(id);
    if (!s) throw new RpcFailure('no_session', `no live session ${id} (it finished, or the engine restarted)`);
    return s;
  };
  /** The invigilator's password, checked; this computer's first one is set with `vigil invigilator password`. */
  const unlock = async (password: string) => {
    const verdict = await checkInvigilatorPassword(home, password);
    return verdict === 'not_set' ? { ok: false, firstUse: true } : { ok: verdict, firstUse: false };
  };

  return {
    async 'policy.parse'({ text, source }) {
      return checkText(text, source);
    },
    async 'policy.load'({ name }) {
      const parsed = PolicyName.safeParse(name);
      if (!parsed.success) return { ok: false, field: '(link)', rule: `policy name ${parsed.error.issues[0]!.message}`, message: `${name}: not a policy name` };
      const path = join(policiesDir, `${parsed.data}.json`);
      if (!existsSync(path)) return { ok: false, field: '(link)', rule: `no saved exam policy named "${name}" on this computer`, message: `${path}: missing` };
      return checkText(readFileSync(path, 'utf8'), `${name}.json`);
    },
    async 'policy.save'({ name, policy, quitPassword, invigilatorPassword }) {
      const unlocked = await unlock(invigilatorPassword);
      if (!unlocked.ok) throw new RpcFailure('forbidden', unlocked.firstUse ? 'no invigilator password is set on this computer' : 'the invigilator password is wrong');
      const parsedName = PolicyName.safeParse(name);
      if (!parsedName.success) return { ok: false, field: 'name', rule: parsedName.error.issues[0]!.message, message: `name: ${parsedName.error.issues[0]!.message}` };
      const withHash = quitPassword ? { ...policy, quitPasswordHash: await hashPassword(quitPassword) } : policy;
      const result = check(withHash, name);
      if (!result.ok) return result;
      mkdirSync(policiesDir, { recursive: true });
      const path = join(policiesDir, `${parsedName.data}.json`);
      writeFileSync(path, `${JSON.stringify(result.policy, null, 2)}\n`);
      return { ok: true, path };
    },
    async 'invigilator.unlock'({ password }) {
      return unlock(password);
    },
    async 'system.check'({ policy }) {
      const checks = await examSystemCheck(deps.env);
      if (policy === undefined) return { checks };
      const parsed = check(policy, 'policy');
      if (!parsed.ok) throw new RpcFailure('bad_policy', parsed.message);
      const gate = await checkStartGate({ policy: parsed.policy, host, env: deps.env, clock: createSessionClock(), ...(deps.listProcesses ? { listProcesses: deps.listProcesses } : {}) });
      return { checks: judgedByPolicy(checks, gate.preflight) };
    },
    async 'identity.enroll'({ policy, width, height, rgb }) {
      const parsed = check(policy, 'policy');
      if (!parsed.ok) throw new RpcFailure('bad_policy', parsed.message);
      if (!parsed.policy.detectors.identity) return { enrolled: false, reason: 'this exam policy turns identity checking off' };
      const analyzer = await analyzerFor(parsed.policy);
      if (!analyzer.available) return { enrolled: false, reason: analyzer.reason };
      const enrolled = await analyzer.analyzer.enroll({ width, height, data: rgbBytes(rgb, width, height), t: 0, index: 0 });
      identity = enrolled ? { challenge: new IdentityChallenge(parsed.policy.rules.identityBelow), frames: 0 } : undefined;
      identityNote = enrolled ? 'Identity: face enrolled; challenge not completed.' : undefined;
      return { enrolled, reason: enrolled ? null : 'no face was found in the photo' };
    },
    async 'identity.frame'({ t, width, height, rgb }) {
      if (!identity) throw new RpcFailure('not_enrolled', 'take the identity photo first');
      const analyzer = await loadFrameAnalyzer();
      if (!analyzer.available) throw new RpcFailure('no_vision', analyzer.reason);
      const features = await analyzer.analyzer.analyze({ width, height, data: rgbBytes(rgb, width, height), t, index: identity.frames++ });
      const progress = identity.challenge.push(features);
      identityNote = identity.challenge.summary();
      return progress;
    },
    async 'voice.enrol'({ samples }) {
      return voice.enrol(pcm16FromBase64(samples));
    },
    async 'voice.skip'() {
      return voice.skip();
    },
    async 'session.start'({ policy, studentId, examId }) {
      const parsed = check(policy, 'policy');
      if (!parsed.ok) throw new RpcFailure('bad_policy', parsed.message);
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
      const notes = [...gate.warnings, identityNote ?? (parsed.policy.detectors.identity ? 'Identity: not checked by Vigil (no face enrolled).' : 'Identity: not checked (off in this exam policy).')];
      const audio = parsed.policy.detectors.audio ? await LiveAudio.open(voice.current) : undefined;
      if (audio) notes.push(audio.voiceNote);
      const live = new LiveSession({ policy: parsed.policy, analyzer, store: deps.store, workDir: join(home, 'live'), studentId: studentId ?? null, examId: examId ?? null, notes, audio });
      sessions.set(live.id, live);
      quits.set(live.id, new QuitRequests(parsed.policy.quitPasswordHash));
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
      };
    },
    async 'session.frame'({ sessionId, t, width, height, rgb }) {
      const s = session(sessionId);
      return s.pushFrame({ width, height, data: rgbBytes(rgb, width, height), t, index: 0 });
    },
    async 'session.audio'({ sessionId, t, samples }) {
      return session(sessionId).pushAudio(t, pcm16FromBase64(samples));
    },
    async 'session.evidence'({ sessionId, start, end, mime, data }) {
      const bytes = new Uint8Array(Buffer.from(data, 'base64'));
      // A segment must be a whole file on its own (MediaRecorder restarted per segment): WebM starts with EBML.
      if (mime.endsWith('webm') && !(bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)) {
        throw new RpcFailure('bad_segment', `evidence segment ${start.toFixed(1)}-${end.toFixed(1)} s is not a WebM file`);
      }
      return session(sessionId).addEvidence({ start, end, mime, bytes });
    },
    async 'session.signal'({ sessionId, event }) {
      const parsed = SignalEvent.safeParse(event);
      if (!parsed.success) throw new RpcFailure('bad_signal', `signal: ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return session(sessionId).pushSignal(parsed.data);
    },
    async 'session.calibrate'({ sessionId }) {
      const c = session(sessionId).calibrate();
      return { status: c.status, reasons: c.reasons, framesSeen: c.framesSeen, framesAccepted: c.framesAccepted, minFrames: c.minFrames, analysed: c.analysed, framesReceived: c.framesReceived };
    },
    async 'session.quit'({ sessionId, password }) {
      const s = session(sessionId);
      const quit = quits.get(sessionId) ?? new QuitRequests(s.policy.quitPasswordHash);
      quits.set(sessionId, quit);
      return quit.check(password);
    },
    async 'session.finish'({ sessionId }) {
      const s = session(sessionId);
      // Noted once: a finish that fails and is retried keeps the line in the session's notes.
      const quitNote = quits.get(sessionId)?.note();
      quits.delete(sessionId);
      if (quitNote) s.addNote(quitNote);
      const watch = watches.get(sessionId);
      watches.delete(sessionId);
      await watch?.revert();
      const report = await s.finish();
      sessions.delete(sessionId);
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
}
