/** Builds a candidate's hash chain the way the client does (storage/hash-chain.ts), for server specs. */
import { randomBytes } from 'node:crypto';
import { GENESIS, chainHash } from '../../app/engine/storage/hash-chain';
import type { ChainedEvent, EnrolRequest } from '../../app/engine/sync/protocol';

export function buildChain(clientSessionId: string, n: number, from: { seq: number; head: string } = { seq: 0, head: GENESIS }): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prev = from.head;
  for (let i = 1; i <= n; i++) {
    const seq = from.seq + i;
    const content = { t: seq * 1.5, type: 'alert.gaze_away', payload: { seq, severity: 'warning', confidence: 0.8 } };
    const hash = chainHash(prev, { sessionId: clientSessionId, ...content });
    events.push({ seq, ...content, prevHash: prev, hash });
    prev = hash;
  }
  return events;
}

export function enrolment(examToken: string, clientSessionId = `s-${randomBytes(6).toString('hex')}`): EnrolRequest {
  return {
    protocol: 1,
    examToken,
    clientSessionId,
    enrolSecret: randomBytes(32).toString('base64url'),
    candidate: { studentId: 'student-7' },
    device: { platform: 'linux', arch: 'x64', release: '6.1' },
    engineVersion: '0.1.0',
    startedAt: new Date().toISOString(),
  };
}

/** A heartbeat with no warnings; `chainHead` as the client holds it. */
export function heartbeat(chainHead = { seq: 0, hash: '' }) {
  return { protocol: 1, clock: new Date().toISOString(), intervalScore: 2, riskLevel: 'CLEAN', activeWarnings: [], pendingOutbox: 0, chainHead, confirmed: [] };
}

/** A valid v1 report with one flagged interval. */
export function sampleReport(sessionId: string) {
  return {
    version: 1,
    sessionId,
    createdAt: new Date().toISOString(),
    source: 'live',
    studentId: 'student-7',
    examId: null,
    durationSec: 60,
    media: { video: true, audio: true, framesAnalysed: 720, processingFps: 12 },
    calibration: { status: 'SKIPPED', seconds: 0, framesAccepted: 0, framesSeen: 0, baseline: null, thresholds: { yawDeg: 25, pitchDeg: 20, gazeH: 0.3, gazeV: 0.3 }, reasons: [] },
    alerts: [],
    intervals: [{ start: 0, end: 30, score: 12, flagged: true, flaggedAt: 12, contributions: {} }],
    risk: { score: 0.5, level: 'SUSPICIOUS', contributions: [] },
    highActivityPeriods: [],
    summaries: { engagement: { mean: null, lowShare: null }, eyeContact: { share: null }, emotions: {}, framesWithFace: 0, frames: 0 },
    segments: [],
    timeline: [],
    notes: [],
  };
}
