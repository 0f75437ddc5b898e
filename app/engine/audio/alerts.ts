/**
 * Audio alerts in the report's shape: `speech` from speech segments, `multiple_voices` from voice windows,
 * each with the evidence a reviewer needs (times, probabilities, test scores).
 */
import type { SpeechSegment } from './hysteresis';
import type { VoiceThresholds } from './thresholds';
import type { VoiceWindow } from './voices';

export type Severity = 'info' | 'warning' | 'critical';

export interface AudioAlert {
  readonly type: 'speech' | 'multiple_voices';
  readonly start: number;
  readonly end: number;
  readonly severity: Severity;
  /** In [0, 1]: the VAD's mean probability for speech; for voices, how far the tests passed their thresholds (a logistic of the margin, not a calibrated probability). */
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

export interface AlertOptions {
  /** Speech closer than this is one alert. */
  readonly mergeGapSec: number;
  /** Shorter speech raises no alert (a cough, a word to oneself). */
  readonly minSpeechAlertSec: number;
  /** Speech at least this long is a warning rather than info. */
  readonly warnSpeechSec: number;
}

export const DEFAULT_ALERTS: AlertOptions = { mergeGapSec: 1.0, minSpeechAlertSec: 0.5, warnSpeechSec: 3 };

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

export function speechAlerts(segments: readonly SpeechSegment[], options: AlertOptions = DEFAULT_ALERTS): AudioAlert[] {
  const groups: SpeechSegment[][] = [];
  for (const s of segments) {
    const group = groups[groups.length - 1];
    const last = group?.[group.length - 1];
    if (group && last && s.start - last.end <= options.mergeGapSec) group.push(s);
    else groups.push([s]);
  }
  return groups
    .map((group) => {
      const start = group[0]!.start;
      const end = group[group.length - 1]!.end;
      const speechSec = group.reduce((a, s) => a + (s.end - s.start), 0);
      const meanProb = group.reduce((a, s) => a + s.meanProb * (s.end - s.start), 0) / Math.max(speechSec, 1e-9);
      const maxProb = Math.max(...group.map((s) => s.maxProb));
      return {
        type: 'speech' as const,
        start: round(start),
        end: round(end),
        severity: (end - start >= options.warnSpeechSec ? 'warning' : 'info') as Severity,
        confidence: round(meanProb),
        evidence: { speechSec: round(speechSec), meanProb: round(meanProb), maxProb: round(maxProb), segments: group.map((s) => [round(s.start), round(s.end)]) },
      };
    })
    .filter((a) => a.end - a.start >= options.minSpeechAlertSec);
}

export function voiceAlerts(windows: readonly VoiceWindow[], thresholds: VoiceThresholds): AudioAlert[] {
  const flagged = (w: VoiceWindow) => w.voices === 2 || w.foreign === true;
  const alerts: AudioAlert[] = [];
  let run: VoiceWindow[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const margins = run.map((w) => Math.max(
      // ΔBIC per frame of the two clusters' merge: 0 at the stopping rule's edge, ~0.25 clearly apart.
      w.clusterScore !== null && w.reasons.includes('speaker_clusters') ? w.clusterScore / 0.1 : Number.NEGATIVE_INFINITY,
      w.foreignScore !== null && (w.reasons.includes('foreign_voice') || w.reasons.includes('candidate_and_other')) ? (w.foreignScore - thresholds.foreign) / 0.5 + 1 : Number.NEGATIVE_INFINITY,
    ));
    const best = Math.max(...margins);
    alerts.push({
      type: 'multiple_voices',
      start: round(run[0]!.start),
      end: round(run[run.length - 1]!.end),
      severity: 'critical',
      confidence: round(Number.isFinite(best) ? logistic(best) : 0.5),
      evidence: {
        reasons: [...new Set(run.flatMap((w) => w.reasons))],
        windows: run.map((w) => ({
          start: round(w.start),
          end: round(w.end),
          voices: w.voices,
          speechSec: round(w.speechSec),
          maxSpeechProb: round(w.maxSpeechProb),
          clusterSec: w.clusterSec.map((x) => round(x)),
          clusterScore: w.clusterScore === null ? null : round(w.clusterScore),
          foreignScore: w.foreignScore === null ? null : round(w.foreignScore),
        })),
        thresholds: { clusterLambda: thresholds.clusterLambda, minClusterSec: thresholds.minClusterSec, foreign: thresholds.foreign },
      },
    });
    run = [];
  };
  for (const w of windows) {
    const prev = run[run.length - 1];
    if (flagged(w) && (!prev || Math.abs(w.start - prev.end) < 1e-6)) run.push(w);
    else {
      flush();
      if (flagged(w)) run.push(w);
    }
  }
  flush();
  return alerts;
}
