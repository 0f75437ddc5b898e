/** An alert: something a reviewer should look at, with when, how bad, how sure, and why. */
import type { AlertType } from '../policy/policy';

export type Severity = 'info' | 'warning' | 'critical';

export interface Alert {
  type: AlertType;
  /** Seconds on the session clock; start === end for point events (a key combo, a paste). */
  start: number;
  end: number;
  severity: Severity;
  /** 0..1: how sure the detector is that the behaviour happened as described. */
  confidence: number;
  /** What fired: values, thresholds, the frames involved. */
  evidence: Record<string, unknown>;
}

export function byStart(a: Alert, b: Alert): number {
  return a.start - b.start || a.end - b.end;
}
