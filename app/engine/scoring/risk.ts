/**
 * Weighted confidence scoring: how strongly the whole session suggests cheating, 0..1, and its risk class.
 *
 * For each alert type, the evidence that the behaviour happened is combined across its alerts with a noisy-OR
 * (each alert's confidence, discounted for very brief episodes); the types are then combined with a noisy-OR
 * weighted by how much each behaviour matters (policy.risk.detectorWeights over DEFAULT_DETECTOR_WEIGHTS).
 * So fifty glances cannot add up to more than the glance detector's weight, while a second face and a phone
 * reinforce each other. Every contribution is reported, so the number can be explained.
 */
import { ALERT_TYPES, DEFAULT_DETECTOR_WEIGHTS, type AlertType, type ExamPolicy } from '../policy/policy';
import type { Alert } from '../rules/alert';

export type RiskLevel = 'CLEAN' | 'BORDERLINE' | 'SUSPICIOUS' | 'HIGH_RISK';

export interface Risk {
  score: number;
  level: RiskLevel;
  contributions: { type: AlertType; weight: number; evidence: number; alerts: number }[];
}

/** Episodes shorter than this count proportionally less (a 1 s glance is a fifth of a 5 s stare). */
const FULL_WEIGHT_SEC = 5;

export function riskLevel(score: number, policy: ExamPolicy): RiskLevel {
  const { borderline, suspicious, highRisk } = policy.risk;
  return score < borderline ? 'CLEAN' : score < suspicious ? 'BORDERLINE' : score < highRisk ? 'SUSPICIOUS' : 'HIGH_RISK';
}

export function scoreRisk(alerts: readonly Alert[], policy: ExamPolicy): Risk {
  const weights = { ...DEFAULT_DETECTOR_WEIGHTS, ...policy.risk.detectorWeights };
  const contributions: Risk['contributions'] = [];
  let clean = 1;
  for (const type of ALERT_TYPES) {
    const ofType = alerts.filter((a) => a.type === type);
    if (ofType.length === 0) continue;
    let absent = 1;
    for (const a of ofType) {
      const duration = a.end - a.start;
      const span = duration <= 0 ? 1 : Math.min(1, duration / FULL_WEIGHT_SEC);
      absent *= 1 - a.confidence * span;
    }
    const evidence = 1 - absent;
    const weight = weights[type];
    clean *= 1 - weight * evidence;
    contributions.push({ type, weight, evidence: round(evidence), alerts: ofType.length });
  }
  const score = round(1 - clean);
  contributions.sort((a, b) => b.weight * b.evidence - a.weight * a.evidence);
  return { score, level: riskLevel(score, policy), contributions };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
