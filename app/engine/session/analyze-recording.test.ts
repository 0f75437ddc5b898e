import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFrame, type FrameFeatures } from '../features/schema';
import { defaultPolicy } from '../policy/policy';
import { renderReportHtml } from '../report/html';
import { Report } from '../report/report';
import { openStore } from '../storage/store';
import { analyzeRecording } from './analyze-recording';
import { fileEvidenceRecorder } from './file-evidence';

const dir = mkdtempSync(join(tmpdir(), 'vigil-session-'));
const policy = defaultPolicy();

/** 12 fps features of an attentive candidate, with a stretch [from, to) overridden. */
function features(seconds: number, from = -1, to = -1, set: Partial<FrameFeatures> = {}): FrameFeatures[] {
  return Array.from({ length: seconds * 12 }, (_, i) => {
    const t = i / 12;
    const f: FrameFeatures = { ...emptyFrame(t, i), face_count: 1, yaw: 3 + Math.sin(i / 5), pitch: -2, roll: 1, gaze_h: 0.05, gaze_v: 0.02, gaze_zone: 'center' };
    return t >= from && t < to ? { ...f, ...set } : f;
  });
}

/** A real 40 s clip from ffmpeg's test source with a tone, to cut evidence from. */
function makeClip(): string {
  const path = join(dir, 'exam.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=12:duration=40', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=40', '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path]);
  return path;
}

describe('analyzeRecording', () => {
  it('reports an attentive candidate as CLEAN with a successful calibration, and stores it', async () => {
    const store = openStore(join(dir, 'clean.db'));
    const report = await analyzeRecording({ source: 'clean.mp4', durationSec: 40, hasVideo: true, hasAudio: false, frames: features(40) }, { policy, store, studentId: 'st-1', examId: 'ex-1' });
    expect(Report.parse(report)).toBeTruthy();
    expect(report).toMatchObject({ alerts: [], risk: { level: 'CLEAN', score: 0 }, calibration: { status: 'SUCCESS' }, media: { framesAnalysed: 480 } });
    expect(report.intervals.map((i) => [i.start, i.end, i.flagged])).toEqual([[0, 30, false], [30, 40, false]]);
    expect(store.reports.list({ studentId: 'st-1' })).toMatchObject([{ riskLevel: 'CLEAN', examId: 'ex-1' }]);
    expect(store.sessions.get(report.sessionId)?.status).toBe('finished');
    expect(store.frameFeatures.list(report.sessionId)).toHaveLength(480);
  });

  it('flags a second face, keeps only that clip as evidence with its sha256, and chains the alerts', async () => {
    const clip = makeClip();
    const store = openStore(join(dir, 'faces.db'));
    const report = await analyzeRecording(
      { source: clip, durationSec: 40, hasVideo: true, hasAudio: true, frames: features(40, 12, 15, { face_count: 2 }) },
      { policy, store, evidence: fileEvidenceRecorder(clip, 40, true) },
    );
    expect(report.alerts.map((a) => [a.type, a.severity])).toEqual([['multiple_faces', 'critical']]);
    expect(report.intervals[0]).toMatchObject({ flagged: true, flaggedAt: 12 });
    expect(report.intervals[1]!.flagged).toBe(false);
    // 12 s to the last frame before 15 s is 2.92 s, 0.58 of the 5 s full-weight duration: 0.58 x weight 0.6 = 0.35.
    expect(report.risk).toMatchObject({ level: 'BORDERLINE', score: 0.35 });
    // The flagged first interval (0-30 s) plus post-roll, merged with the critical alert's clip: one segment.
    expect(report.segments).toHaveLength(1);
    expect(report.segments[0]).toMatchObject({ start: 0, end: 33 });
    const bytes = store.segments.read(report.segments[0]!.id);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(report.segments[0]!.sha256);
    expect(store.events.verifyChain(report.sessionId)).toMatchObject({ ok: true, count: 1 });
  });

  it('leaves the store consistent and the session aborted when the analysis is interrupted', async () => {
    const store = openStore(join(dir, 'interrupted.db'));
    async function* dying() {
      yield* features(30);
      throw new Error('decoder crashed');
    }
    await expect(analyzeRecording({ source: 'x.mp4', durationSec: 60, hasVideo: true, hasAudio: false, frames: dying() }, { policy, store })).rejects.toThrow('decoder crashed');
    const [session] = store.sessions.list();
    expect(session?.status).toBe('aborted');
    expect(store.frameFeatures.list(session!.id)).toHaveLength(360);
    expect(store.reports.list()).toEqual([]);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('analyses audio without video: calibration skipped, audio alerts scored', async () => {
    const speech = { type: 'multiple_voices' as const, start: 5, end: 8, severity: 'warning' as const, confidence: 0.8, evidence: { voices: 2 } };
    const report = await analyzeRecording({ source: 'talk.wav', durationSec: 20, hasVideo: false, hasAudio: true, frames: [], extraAlerts: () => [speech] }, { policy });
    expect(report.calibration.status).toBe('SKIPPED');
    expect(report.intervals[0]).toMatchObject({ flagged: true, score: 10 });
    expect(report.alerts).toEqual([speech]);
  });

  it('renders a self-contained HTML page with the timeline, escaping every value', async () => {
    const report = await analyzeRecording(
      { source: '<script>alert(1)</script>.mp4', durationSec: 40, hasVideo: true, hasAudio: false, frames: features(40, 20, 22, { face_count: 0, yaw: null, pitch: null }) },
      { policy, studentId: '<b>x</b>' },
    );
    const html = renderReportHtml(report);
    expect(html).toContain('<svg');
    expect(html).toContain('no_face');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<(link|img|script)\b[^>]*(src|href)=/);
  });
});
