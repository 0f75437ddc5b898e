/**
 * One live exam session in the engine: frames arrive from the candidate app at the policy's rate, go through
 * the face pipeline (when this build has one) and the streaming alert rules; intervals are scored as they
 * go, so a flag is raised at once and the evidence around it is kept. Finishing runs the same analysis as a
 * recorded file (analyzeRecording) over the session's features and stores the report with its clips.
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
import { SignalEvent } from '../signals/events';
import { signalAlerts } from '../signals/scoring';
import { analyzeRecording } from '../session/analyze-recording';
import type { Store } from '../storage/store';
import { LiveEvidenceBuffer, type EvidenceSegment } from './evidence-buffer';
import type { LiveAudio } from './live-audio';
import type { AnalyzerAvailability } from './frame-analyzer';
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
}

/** Segments the candidate app records; the rolling window holds the pre-roll plus two of them. */
export const EVIDENCE_SEGMENT_SEC = 4;

export class LiveSession {
  readonly id = randomUUID();
  readonly evidence: LiveEvidenceBuffer;
  private readonly frames: FrameFeatures[] = [];
  private readonly closed: Alert[] = [];
  /** OS signals from the main process (focus, clipboard, combos, processes, displays), scored with the rest. */
  private readonly signals: SignalEvent[] = [];
  private signalAlertList: Alert[] = [];
  private readonly open = new Map<AlertType, { severity: Severity; start: number }>();
  private rules: FrameRules;
  private calibration: Calibration | undefined;
  private lastT = 0;
  private framesReceived = 0;
  private finished = false;
  private readonly events: { t: number; type: string; payload: unknown }[] = [];

  constructor(private readonly options: LiveSessionOptions) {
    const { policy } = options;
    this.evidence = new LiveEvidenceBuffer(join(options.workDir, this.id), policy.evidence.preRollSec + 2 * EVIDENCE_SEGMENT_SEC);
    this.rules = this.newRules(null);
  }

  get policy(): ExamPolicy {
    return this.options.policy;
  }

  private newRules(calibration: Calibration | null): FrameRules {
    const policy = this.options.policy;
    const thresholds = calibration?.thresholds ?? defaultThresholds(policy);
    const baseline = calibration?.status === 'SUCCESS' ? calibration.baseline : null;
    return new FrameRules({ policy, thresholds, baseline }, (type, severity, start) => this.open.set(type, { severity, start }));
  }

  async pushFrame(frame: RgbFrame): Promise<FrameOutcome> {
    this.assertOpen();
    this.framesReceived += 1;
    this.lastT = Math.max(this.lastT, frame.t);
    if (!this.options.analyzer.available) return { analysed: false, faceCount: null, opened: [], flagged: false };
    const features = { ...(await this.options.analyzer.analyzer.analyze(frame)), t: frame.t, frame_index: this.frames.length };
    this.frames.push(features);
    const before = new Set(this.open.keys());
    for (const alert of this.rules.push(features)) {
      this.open.delete(alert.type);
      this.closed.push(alert);
    }
    const opened = [...this.open.entries()].filter(([type]) => !before.has(type)).map(([type, o]) => ({ type, severity: o.severity, start: o.start, why: explainAlert(type, this.options.policy) }));
    return { analysed: true, faceCount: features.face_count, opened, flagged: this.updateKeepRanges() };
  }

  /** Microphone samples (16 kHz mono) from session time `t`; speech warnings come back as soon as a segment closes. */
  async pushAudio(t: number, samples: Float32Array): Promise<{ opened: LiveAlertNotice[]; flagged: boolean }> {
    this.assertOpen();
    const audio = this.options.audio;
    if (!audio) return { opened: [], flagged: false };
    const alerts = await audio.push(t, samples);
    this.lastT = Math.max(this.lastT, t + samples.length / 16_000);
    this.closed.push(...alerts);
    const opened = alerts.map((a) => ({ type: a.type, severity: a.severity, start: a.start, why: explainAlert(a.type, this.options.policy) }));
    return { opened, flagged: this.updateKeepRanges() };
  }

  /**
   * One OS signal from the main process. Signals are re-scored as a whole (a copy and its key combo are one act,
   * a focus loss is updated when focus returns), so the live flags and the report agree.
   */
  pushSignal(event: SignalEvent): { opened: LiveAlertNotice[]; flagged: boolean } {
    this.assertOpen();
    this.signals.push(SignalEvent.parse(event));
    this.lastT = Math.max(this.lastT, event.t);
    const before = new Set(this.signalAlertList.map(alertKey));
    this.signalAlertList = signalAlerts(this.signals);
    const opened = this.signalAlertList.filter((a) => !before.has(alertKey(a))).map((a) => ({ type: a.type, severity: a.severity, start: a.start, why: explainAlert(a.type, this.options.policy) }));
    return { opened, flagged: this.updateKeepRanges() };
  }

  addEvidence(segment: EvidenceSegment): { held: number } {
    this.assertOpen();
    this.lastT = Math.max(this.lastT, segment.end);
    this.evidence.add(segment, this.lastT);
    return { held: this.evidence.held.segments };
  }

  /** Scores intervals over the alerts so far (open ones up to now) and keeps video around every flag. */
  private updateKeepRanges(): boolean {
    const { policy } = this.options;
    const now = this.lastT;
    const current: Alert[] = [...this.closed, ...this.signalAlertList, ...[...this.open.entries()].map(([type, o]) => ({ type, severity: o.severity, start: o.start, end: now, confidence: 1, evidence: {} }))];
    const { preRollSec, postRollSec } = policy.evidence;
    let flagged = false;
    for (const iv of scoreIntervals(current, Math.max(now, 0.001), policy)) {
      if (!iv.flagged || iv.flaggedAt === null) continue;
      flagged = true;
      this.evidence.keep({ start: iv.flaggedAt - preRollSec, end: iv.end + postRollSec });
    }
    for (const a of current) if (a.severity === 'critical') this.evidence.keep({ start: a.start - preRollSec, end: a.end + postRollSec });
    return flagged;
  }

  /** The engine's calibration verdict on the frames so far (the session's first policy.calibration.seconds). */
  calibrate(): Calibration & { analysed: boolean; framesReceived: number } {
    this.assertOpen();
    const { policy, analyzer } = this.options;
    if (!analyzer.available) {
      return { ...calibrate([], policy, policy.calibration.seconds), status: 'SKIPPED', reasons: [analyzer.reason], analysed: false, framesReceived: this.framesReceived };
    }
    this.calibration = calibrate(this.frames, policy, policy.calibration.seconds);
    this.rules = this.newRules(this.calibration);
    return { ...this.calibration, analysed: true, framesReceived: this.framesReceived };
  }

  /**
   * An event from outside the frames (a quit-password attempt) at the session's current time. Kept in order and
   * appended to the session's hash chain with the report (the session's row is written then).
   */
  recordEvent(type: string, payload: unknown): void {
    this.assertOpen();
    this.events.push({ t: this.lastT, type, payload });
  }

  /** A line for the report from outside the frames (quit-password attempts). */
  addNote(line: string): void {
    this.assertOpen();
    (this.options.notes ??= []).push(line);
  }

  async finish(): Promise<Report> {
    this.assertOpen();
    const { policy, analyzer, store } = this.options;
    const notes = analyzer.available ? [] : [`Video was not analysed: ${analyzer.reason}.`];
    notes.push(...(this.options.notes ?? []));
    notes.push(`Live session: ${this.framesReceived} camera frames received at ${policy.processingFps} fps.`);
    const frames = analyzer.available ? this.frames : [];
    const audio = this.options.audio;
    const audioAlerts = audio ? applyAudioRules(await audio.finish(), policy) : [];
    if (audio) notes.push(`Microphone: ${Math.round(audio.received)} s of audio analysed on this computer.`);
    try {
      const report = await analyzeRecording(
        { source: 'live', durationSec: this.lastT, hasVideo: analyzer.available, hasAudio: audio !== undefined && audio.received > 0, frames, extraAlerts: () => [...audioAlerts, ...signalAlerts(this.signals)] },
        { policy, store, evidence: this.evidence, studentId: this.options.studentId ?? null, examId: this.options.examId ?? null, notes, events: this.events },
      );
      // Only a stored report ends the session: after a failure the candidate app may try again, and the
      // segments stay on disk meanwhile.
      this.finished = true;
      this.evidence.dispose();
      return report;
    } finally {
      if (analyzer.available) analyzer.analyzer.reset();
    }
  }

  private assertOpen(): void {
    if (this.finished) throw new Error(`session ${this.id} is already finished`);
  }
}

const alertKey = (a: Alert) => `${a.type}@${a.start}`;
