/**
 * The temporal model's window scores as alerts: consecutive windows at or above the model's threshold are one
 * `temporal_pattern` alert spanning them, with the strongest score as its confidence.
 */
import type { Alert } from '../rules/alert';
import type { TemporalScore } from '../temporal/scorer';

export function temporalAlerts(scores: readonly TemporalScore[], threshold: number): Alert[] {
  const alerts: Alert[] = [];
  let run: TemporalScore[] = [];
  const close = () => {
    if (run.length === 0) return;
    const peak = Math.max(...run.map((s) => s.score));
    alerts.push({
      type: 'temporal_pattern', start: run[0]!.start, end: run.at(-1)!.t, severity: 'warning', confidence: Math.round(peak * 1000) / 1000,
      evidence: { windows: run.length, peakScore: Math.round(peak * 1000) / 1000, threshold, rule: `temporal model score >= ${threshold} on consecutive windows` },
    });
    run = [];
  };
  for (const s of scores) {
    // Windows overlap (stride < window), so an alerting window right after another continues the same pattern.
    if (s.alert && (run.length === 0 || s.start <= run.at(-1)!.t)) run.push(s);
    else {
      close();
      if (s.alert) run.push(s);
    }
  }
  close();
  return alerts;
}
