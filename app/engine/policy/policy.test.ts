import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, loadPolicy, parsePolicy } from './policy';

describe('exam policy', () => {
  it('shows invigilators the status only unless the policy asks for thumbnails', () => {
    expect(defaultPolicy().liveView).toBe('status');
    expect(parsePolicy({ liveView: 'thumbnails' }, 'exam.json').liveView).toBe('thumbnails');
    expect(() => parsePolicy({ liveView: 'video' }, 'exam.json')).toThrow(/^exam\.json: liveView: /);
  });

  it('fills the documented defaults from an empty object', () => {
    const p = defaultPolicy();
    expect(p.intervals).toMatchObject({ seconds: 30, flagThreshold: 10 });
    expect(p.intervals.weights).toMatchObject({ gaze_away: 2, speech: 3, multiple_voices: 10, focus_lost: 4, clipboard: 5, multiple_faces: 10, no_face: 9 });
    expect(p.rules).toMatchObject({ noFaceFrames: 3, lookAwayYawDeg: 30, lookAwayPitchDeg: 25, lookAwayFrames: 5, lowEngagement: 40, lowEngagementFrames: 10, objectConfidence: 0.7 });
    expect(p.risk).toMatchObject({ borderline: 0.2, suspicious: 0.4, highRisk: 0.65 });
    expect(p.calibration.seconds).toBe(8);
    expect(p.processingFps).toBe(12);
    expect(p.os).toMatchObject({ prohibitedProcesses: 'warn', virtualMachine: 'warn', remoteSession: 'refuse_to_start' });
  });

  it('names the field and the rule an invalid policy breaks', () => {
    expect(() => parsePolicy({ rules: { lookAwayYawDeg: 200 } }, 'exam.json')).toThrow(/^exam\.json: rules\.lookAwayYawDeg: .*(<=|less than or equal|too big).*90/i);
    expect(() => parsePolicy({ calibration: { seconds: 3 } }, 'exam.json')).toThrow(/calibration\.seconds/);
    expect(() => parsePolicy({ detectors: { webcam: true } }, 'exam.json')).toThrow(/detectors.*webcam|Unrecognized key/);
    expect(() => parsePolicy({ risk: { borderline: 0.5, suspicious: 0.4 } })).toThrow(/risk thresholds must increase/);
    expect(() => parsePolicy({ os: { remoteSession: 'maybe' } }, 'exam.json')).toThrow(/^exam\.json: os\.remoteSession: /);
    expect(() => parsePolicy({ allowedOrigins: ['https://exam.example.org'], examUrl: 'https://exam.example.org.evil.com/q1' }, 'exam.json')).toThrow(/^exam\.json: examUrl: must be on one of allowedOrigins/);
    expect(parsePolicy({ allowedOrigins: ['https://exam.example.org'], examUrl: 'https://exam.example.org/maths/start' }).examUrl).toBe('https://exam.example.org/maths/start');
    expect(() => parsePolicy({ candidateWarnings: 'some' })).toThrow(/candidateWarnings/);
  });

  it('refuses a policy file that is missing or not JSON, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-policy-'));
    expect(() => loadPolicy(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read \(ENOENT\)/);
    writeFileSync(join(dir, 'broken.json'), '{ "rules": ');
    expect(() => loadPolicy(join(dir, 'broken.json'))).toThrow(/broken\.json: not valid JSON/);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ processingFps: 6 }));
    expect(loadPolicy(join(dir, 'ok.json')).processingFps).toBe(6);
  });
});
