/**
 * Analyses one recording end to end (the session engine): frames and audio in; calibration, rules, interval
 * scoring, risk, evidence, storage and the report out. The same steps serve a file (`vigil analyze`) and a
 * finished live session. Storage writes happen in small transactions, so an interruption leaves the store
 * consistent: the session is marked aborted, and everything written before stays valid.
 */
import { calibrate, skippedCalibration, type Calibration } from '../calibration/calibrate';
import type { FrameFeatures } from '../features/schema';
import { FEATURE_SCHEMA_VERSION } from '../features/schema';
import type { ExamPolicy } from '../policy/policy';
import type { EvidenceRecorder } from '../ports';
import { REPORT_VERSION, type Report } from '../report/report';
import { buildTimeline, type SpeechSecond } from '../report/timeline';
import { byStart, type Alert } from '../rules/alert';
import { runFrameRules } from '../rules/frame-rules';
import { highActivityPeriods } from '../scoring/activity';
import { scoreIntervals } from '../scoring/intervals';
import { scoreRisk } from '../scoring/risk';
import { summarise } from '../scoring/summaries';
import type { Store } from '../storage/store';

export interface RecordingInput {
  source: string;
  durationSec: number;
  hasVideo: boolean;
  hasAudio: boolean;
  /** Per-frame features in time order (from the vision pipeline, merged with audio features). */
  frames: AsyncIterable<FrameFeatures> | Iterable<FrameFeatures>;
  /** Alerts from other analysers on the same clock: audio (speech, multiple_voices), OS signals, temporal model. */
  extraAlerts?: () => Alert[] | Promise<Alert[]>;
  speechPerSecond?: () => SpeechSecond[];
  temporalScores?: () => { t: number; score: number }[];
}

export interface AnalyzeOptions {
  policy: ExamPolicy;
  /** Overrides the policy's calibration length; 0 skips calibration. */
  calibrationSeconds?: number;
  studentId?: string | null;
  examId?: string | null;
  store?: Store;
  evidence?: EvidenceRecorder;
  notes?: string[];
  /** Events from outside the analysis (a live session's quit attempts), appended to the chain after the alerts. */
  events?: readonly { t: number; type: string; payload: unknown }[];
  /** Called as frames arrive, for progress bars. */
  onFrame?: (frame: FrameFeatures) => void;
  /**
   * A session already in the store (a live one, recorded as it happened): its row and id are the report's, and
   * its frames, already stored, are not stored again.
   */
  storedSessionId?: string;
  /** Made last, once the alerts are in the chain: a live session's record summary for the report. */
  record?: () => Report['record'];
}

const BATCH = 240;

export async function analyzeRecording(input: RecordingInput, options: AnalyzeOptions): Promise<Report> {
  const { policy, store } = options;
  const session = options.storedSessionId !== undefined ? store?.sessions.get(options.storedSessionId) : store?.sessions.create({ source: input.source, studentId: options.studentId ?? null, examId: options.examId ?? null, policy });
  if (store && options.storedSessionId !== undefined && session?.status !== 'open') throw new Error(`session ${options.storedSessionId} is not open`);
  const storeFrames = options.storedSessionId === undefined;
  const sessionId = session?.id ?? 'unsaved';
  try {
    const frames: FrameFeatures[] = [];
    let batch: FrameFeatures[] = [];
    const flush = () => {
      if (store && session && storeFrames && batch.length) store.frameFeatures.insertMany(session.id, batch.map(toStored));
      batch = [];
    };
    try {
      for await (const frame of input.frames) {
        frames.push(frame);
        batch.push(frame);
        options.onFrame?.(frame);
        if (batch.length >= BATCH) flush();
      }
    } finally {
      // Whatever was analysed before an interruption is kept.
      flush();
    }

    const seconds = options.calibrationSeconds ?? policy.calibration.seconds;
    const calibration: Calibration = !input.hasVideo
      ? skippedCalibration(policy, 'no video to calibrate on')
      : seconds === 0
        ? skippedCalibration(policy, 'calibration disabled (0 seconds)')
        : calibrate(frames, policy, seconds);
    const base = calibration.status === 'SUCCESS' ? calibration.baseline : null;
    const frameAlerts = input.hasVideo ? runFrameRules(frames, { policy, thresholds: calibration.thresholds, baseline: base }) : [];
    const alerts = [...frameAlerts, ...((await input.extraAlerts?.()) ?? [])].sort(byStart);

    const intervals = scoreIntervals(alerts, input.durationSec, policy);
    const risk = scoreRisk(alerts, policy);
    const baseForSummary = base ? { yaw: base.yaw.mean, pitch: base.pitch.mean, gazeH: base.gazeH.mean, gazeV: base.gazeV.mean } : undefined;

    const segments = store && session && options.evidence ? await keepEvidence(store, session.id, alerts, intervals, policy, options.evidence, input.durationSec) : [];
    if (store && session) for (const a of alerts) store.events.append(session.id, a.start, `alert.${a.type}`, a);
    if (store && session) for (const e of options.events ?? []) store.events.append(session.id, e.t, e.type, e.payload);

    const report: Report = {
      version: REPORT_VERSION,
      sessionId,
      createdAt: new Date().toISOString(),
      source: input.source,
      studentId: options.studentId ?? null,
      examId: options.examId ?? null,
      durationSec: round(input.durationSec),
      media: { video: input.hasVideo, audio: input.hasAudio, framesAnalysed: frames.length, processingFps: policy.processingFps },
      calibration: { status: calibration.status, seconds: calibration.seconds, framesAccepted: calibration.framesAccepted, framesSeen: calibration.framesSeen, baseline: calibration.baseline, thresholds: calibration.thresholds, reasons: calibration.reasons },
      alerts,
      intervals: intervals.map(({ start, end, score, flagged, flaggedAt, contributions }) => ({ start: round(start), end: round(end), score, flagged, flaggedAt, contributions: contributions as Record<string, { count: number; points: number }> })),
      risk,
      highActivityPeriods: highActivityPeriods(alerts, input.durationSec, policy),
      summaries: summarise(frames, policy.rules.lowEngagement, baseForSummary),
      segments,
      timeline: buildTimeline(frames, input.durationSec, input.speechPerSecond?.() ?? [], input.temporalScores?.() ?? []),
      notes: options.notes ?? [],
    };
    const record = options.record?.();
    if (record) report.record = record;
    if (store && session) {
      store.reports.add(report);
      store.sessions.finish(session.id, 'finished');
    }
    return report;
  } catch (error) {
    if (store && session && store.sessions.get(session.id)?.status === 'open') store.sessions.finish(session.id, 'aborted');
    throw error;
  }
}

/** Keeps a clip for each flagged interval and each critical alert (with pre- and post-roll), merged where they overlap. */
async function keepEvidence(store: Store, sessionId: string, alerts: Alert[], intervals: ReturnType<typeof scoreIntervals>, policy: ExamPolicy, recorder: EvidenceRecorder, durationSec: number): Promise<Report['segments']> {
  const { preRollSec, postRollSec } = policy.evidence;
  const wanted: { start: number; end: number; reasons: string[] }[] = [];
  for (const iv of intervals) if (iv.flagged) wanted.push({ start: iv.start - preRollSec, end: iv.end + postRollSec, reasons: [`interval ${Math.round(iv.start)}-${Math.round(iv.end)} s flagged (score ${iv.score})`] });
  for (const a of alerts) if (a.severity === 'critical') wanted.push({ start: a.start - preRollSec, end: a.end + postRollSec, reasons: [`critical ${a.type}`] });
  wanted.sort((a, b) => a.start - b.start);
  const merged: typeof wanted = [];
  for (const w of wanted) {
    const last = merged.at(-1);
    if (last && w.start <= last.end) {
      last.end = Math.max(last.end, w.end);
      for (const r of w.reasons) if (!last.reasons.includes(r)) last.reasons.push(r);
    } else merged.push({ ...w, reasons: [...w.reasons] });
  }
  const kept: Report['segments'] = [];
  for (const m of merged) {
    const clip = await recorder.clip(Math.max(0, m.start), Math.min(durationSec, m.end));
    if (!clip || clip.bytes.byteLength === 0) continue;
    const meta = store.segments.add(sessionId, { start: clip.start, end: clip.end, reason: m.reasons.join('; '), mime: clip.mime, bytes: clip.bytes });
    kept.push({ id: meta.id, start: round(meta.start), end: round(meta.end), reason: meta.reason, sha256: meta.sha256, size: meta.size });
  }
  return kept;
}

/** A feature row as the frame_features table keeps it (the columns queried directly, and the whole row). */
export function toStored(f: FrameFeatures) {
  return { frameIndex: f.frame_index, t: f.t, schemaVersion: FEATURE_SCHEMA_VERSION, faceCount: f.face_count, yaw: f.yaw, pitch: f.pitch, roll: f.roll, gazeH: f.gaze_h, gazeV: f.gaze_v, gazeZone: f.gaze_zone, data: f as unknown as Record<string, unknown> };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
