import { describe, expect, it } from 'vitest';
import { temporalAlerts } from './temporal-alerts';

/** Windows of 15 frames at 12 fps every 10 frames, as the scorer emits them. */
const window = (i: number, score: number) => ({ start: (i * 10) / 12, t: (i * 10 + 14) / 12, score, alert: score >= 0.4 });

describe('temporal alerts', () => {
  it('join consecutive alerting windows into one alert with the peak score, and keep separate runs apart', () => {
    const scores = [window(0, 0.1), window(1, 0.5), window(2, 0.7), window(3, 0.2), window(4, 0.1), window(5, 0.45)];
    const alerts = temporalAlerts(scores, 0.4);
    expect(alerts.map((a) => [a.type, Math.round(a.start * 100) / 100, Math.round(a.end * 100) / 100, a.confidence])).toEqual([
      ['temporal_pattern', 0.83, 2.83, 0.7],
      ['temporal_pattern', 4.17, 5.33, 0.45],
    ]);
    expect(alerts[0]!.evidence).toMatchObject({ windows: 2, threshold: 0.4 });
  });

  it('raise nothing below the threshold', () => {
    expect(temporalAlerts([window(0, 0.39), window(1, 0.1)], 0.4)).toEqual([]);
  });
});
