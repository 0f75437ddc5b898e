/**
 * Interval scoring (system 4): the session is cut into fixed intervals (30 s by default); every alert or OS event
 * that overlaps an interval adds its policy weight once to that interval. An interval reaching the flag threshold
 * is flagged at once: `flaggedAt` is the moment its running score crossed it, which is when a live session starts
 * keeping video.
 */
import type { AlertType, ExamPolicy } from '../policy/policy';
import type { Alert } from '../rules/alert';

export interface Interval {
  index: number;
  start: number;
  end: number;
  score: number;
  flagged: boolean;
  flaggedAt: number | null;
  /** Points per alert type, so a reviewer sees why. */
  contributions: Partial<Record<AlertType, { count: number; points: number }>>;
}

export function scoreIntervals(alerts: readonly Alert[], durationSec: number, policy: ExamPolicy): Interval[] {
  const { seconds, flagThreshold, weights } = policy.intervals;
  const count = Math.max(1, Math.ceil(durationSec / seconds));
  const intervals: Interval[] = Array.from({ length: count }, (_, index) => ({
    index, start: index * seconds, end: Math.min(durationSec, (index + 1) * seconds), score: 0, flagged: false, flaggedAt: null, contributions: {},
  }));
  const sorted = [...alerts].sort((a, b) => a.start - b.start);
  for (const alert of sorted) {
    const points = (weights as Record<string, number>)[alert.type] ?? 0;
    if (points <= 0) continue;
    const first = Math.max(0, Math.floor(alert.start / seconds));
    const last = Math.min(count - 1, Math.floor(alert.end / seconds));
    for (let i = first; i <= last; i += 1) {
      const interval = intervals[i]!;
      const entry = (interval.contributions[alert.type] ??= { count: 0, points: 0 });
      entry.count += 1;
      entry.points += points;
      interval.score += points;
      if (!interval.flagged && interval.score >= flagThreshold) {
        interval.flagged = true;
        interval.flaggedAt = Math.max(alert.start, interval.start);
      }
    }
  }
  return intervals;
}
