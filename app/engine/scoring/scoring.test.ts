import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy/policy';
import type { Alert } from '../rules/alert';
import { highActivityPeriods } from './activity';
import { scoreIntervals } from './intervals';
import { riskLevel, scoreRisk } from './risk';

const policy = defaultPolicy();
const alert = (type: Alert['type'], start: number, end = start, confidence = 0.9): Alert => ({ type, start, end, severity: 'warning', confidence, evidence: {} });

describe('interval scoring', () => {
  it('cuts the session into 30 s intervals and adds each weight once per occurrence', () => {
    const intervals = scoreIntervals([alert('gaze_away', 3, 4), alert('gaze_away', 10, 12), alert('speech', 40, 45)], 75, policy);
    expect(intervals.map((i) => [i.start, i.end, i.score, i.flagged])).toEqual([[0, 30, 4, false], [30, 60, 3, false], [60, 75, 0, false]]);
    expect(intervals[0]!.contributions).toEqual({ gaze_away: { count: 2, points: 4 } });
  });

  it('flags an interval at the moment its score reaches 10', () => {
    // tab switch +4 at 5 s, copy/paste +5 at 8 s (9 so far), gaze away +2 at 20 s -> 11, flagged at 20 s.
    const [first] = scoreIntervals([alert('focus_lost', 5), alert('clipboard', 8), alert('gaze_away', 20, 21)], 30, policy);
    expect(first).toMatchObject({ score: 11, flagged: true, flaggedAt: 20 });
  });

  it('flags a multiple-voices or multiple-faces interval by itself, and a no-face one only with something more', () => {
    expect(scoreIntervals([alert('multiple_voices', 3, 6)], 30, policy)[0]!.flagged).toBe(true);
    expect(scoreIntervals([alert('multiple_faces', 3, 6)], 30, policy)[0]!.flagged).toBe(true);
    expect(scoreIntervals([alert('no_face', 3, 6)], 30, policy)[0]).toMatchObject({ score: 9, flagged: false });
    expect(scoreIntervals([alert('no_face', 3, 6), alert('gaze_away', 9, 10)], 30, policy)[0]!.flagged).toBe(true);
  });

  it('counts an alert spanning two intervals in both', () => {
    const intervals = scoreIntervals([alert('multiple_faces', 25, 35)], 60, policy);
    expect(intervals.map((i) => i.flagged)).toEqual([true, true]);
  });

  it('uses the policy weights', () => {
    const custom = { ...policy, intervals: { ...policy.intervals, weights: { ...policy.intervals.weights, gaze_away: 10 } } };
    expect(scoreIntervals([alert('gaze_away', 1, 2)], 30, custom)[0]!.flagged).toBe(true);
  });
});

describe('risk', () => {
  it('classes scores at 0.20, 0.40 and 0.65', () => {
    expect([0, 0.19, 0.2, 0.39, 0.4, 0.64, 0.65, 1].map((s) => riskLevel(s, policy))).toEqual(['CLEAN', 'CLEAN', 'BORDERLINE', 'BORDERLINE', 'SUSPICIOUS', 'SUSPICIOUS', 'HIGH_RISK', 'HIGH_RISK']);
  });

  it('is clean without alerts and bounded by the glance detector for many glances', () => {
    expect(scoreRisk([], policy)).toMatchObject({ score: 0, level: 'CLEAN' });
    const glances = Array.from({ length: 50 }, (_, i) => alert('gaze_away', i * 20, i * 20 + 1, 0.7));
    const risk = scoreRisk(glances, policy);
    expect(risk.score).toBeLessThanOrEqual(0.1);
    expect(risk.level).toBe('CLEAN');
  });

  it('rates a sustained second face as suspicious, and a second face with a phone as high risk', () => {
    expect(scoreRisk([alert('multiple_faces', 10, 20)], policy).level).toBe('SUSPICIOUS');
    const both = scoreRisk([alert('multiple_faces', 10, 20), alert('prohibited_object', 30, 40)], policy);
    expect(both.level).toBe('HIGH_RISK');
    expect(both.contributions[0]!.type).toBe('multiple_faces');
  });
});

describe('high-activity periods', () => {
  it('find where three or more alerts start within a minute, and nothing in a quiet session', () => {
    const alerts = [alert('gaze_away', 100, 101), alert('speech', 110, 115), alert('focus_lost', 130), alert('gaze_away', 400, 402)];
    expect(highActivityPeriods(alerts, 600, policy)).toEqual([{ start: 100, end: 130, alerts: 3, types: ['focus_lost', 'gaze_away', 'speech'] }]);
    expect(highActivityPeriods([alert('gaze_away', 10, 11)], 600, policy)).toEqual([]);
  });
});
