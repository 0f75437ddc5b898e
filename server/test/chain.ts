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
