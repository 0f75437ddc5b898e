/**
 * High-activity periods: stretches where alerts cluster. A window of `windowSec` slides in 5 s steps; windows
 * holding at least `minAlerts` alert starts are merged into periods.
 */
import type { ExamPolicy } from '../policy/policy';
import type { Alert } from '../rules/alert';

export interface ActivityPeriod {
  start: number;
  end: number;
  alerts: number;
  types: string[];
}

const STEP_SEC = 5;

export function highActivityPeriods(alerts: readonly Alert[], durationSec: number, policy: ExamPolicy): ActivityPeriod[] {
  const { windowSec, minAlerts } = policy.highActivity;
  const starts = alerts.map((a) => a.start).sort((a, b) => a - b);
  const periods: { start: number; end: number }[] = [];
  for (let from = 0; from < Math.max(durationSec, STEP_SEC); from += STEP_SEC) {
    const to = from + windowSec;
    const inside = starts.filter((s) => s >= from && s < to).length;
    if (inside < minAlerts) continue;
    const last = periods.at(-1);
    if (last && from <= last.end) last.end = Math.min(durationSec, to);
    else periods.push({ start: from, end: Math.min(durationSec, to) });
  }
  // Tighten each period to the alerts it holds, so it reads as "when things happened".
  return periods.map((p) => {
    const inside = alerts.filter((a) => a.start >= p.start && a.start < p.end);
    return {
      start: Math.min(...inside.map((a) => a.start)),
      end: Math.max(...inside.map((a) => a.end)),
      alerts: inside.length,
      types: [...new Set(inside.map((a) => a.type))].sort(),
    };
  });
}
