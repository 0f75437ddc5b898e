/**
 * Policy rules over the audio analyser's alerts. Multiple voices must persist for the policy's number of
 * consecutive windows, as the frame rules require consecutive frames: a lone window is too often wrong to raise a
 * critical alert on its own.
 */
import type { ExamPolicy } from '../policy/policy';
import type { Alert } from './alert';

export function applyAudioRules<A extends Pick<Alert, 'type' | 'evidence'>>(alerts: readonly A[], policy: ExamPolicy): A[] {
  const minWindows = policy.rules.multipleVoicesWindows;
  return alerts.filter((a) => a.type !== 'multiple_voices' || windowsOf(a) >= minWindows);
}

function windowsOf(alert: Pick<Alert, 'evidence'>): number {
  const windows = alert.evidence.windows;
  return Array.isArray(windows) ? windows.length : 1;
}
