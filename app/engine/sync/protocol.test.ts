import { describe, expect, it } from 'vitest';
import { GENESIS, chainHash, verifyLinks } from '../storage/hash-chain';
import { EventBatch, EvidenceMetadata, SafeId, SYNC_LIMITS } from './protocol';

function chain(sessionId: string, n: number) {
  const out = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const e = { t: seq, type: 'alert.gaze_away', payload: { seq } };
    const hash = chainHash(prev, { sessionId, ...e });
    out.push({ seq, ...e, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('sync protocol v1', () => {
  it('accepts a batch of consecutive events and refuses gaps, empty and oversized batches', () => {
    const events = chain('s1', 3);
    expect(EventBatch.safeParse({ protocol: 1, events }).success).toBe(true);
    expect(EventBatch.safeParse({ protocol: 1, events: [events[0], events[2]] }).success).toBe(false);
    expect(EventBatch.safeParse({ protocol: 1, events: [] }).success).toBe(false);
    const many = chain('s1', SYNC_LIMITS.eventsPerBatch + 1);
    expect(EventBatch.safeParse({ protocol: 1, events: many }).success).toBe(false);
    expect(EventBatch.safeParse({ protocol: 2, events }).success).toBe(false);
  });

  it.each(['../etc/passwd', 'a/b', '..', 'a b', '%2e%2e', ''])('refuses the id %j that could name a path', (id) => {
    expect(SafeId.safeParse(id).success).toBe(false);
  });

  it('refuses evidence metadata with unknown keys or a malformed sha256', () => {
    const ok = { sessionId: 'abc', segmentId: '3', sha256: 'a'.repeat(64), mime: 'video/mp4' };
    expect(EvidenceMetadata.safeParse(ok).success).toBe(true);
    expect(EvidenceMetadata.safeParse({ ...ok, sha256: 'A'.repeat(64) }).success).toBe(false);
    expect(EvidenceMetadata.safeParse({ ...ok, path: '/tmp/x' }).success).toBe(false);
    expect(EvidenceMetadata.safeParse({ ...ok, segmentId: '../1' }).success).toBe(false);
  });
});

describe('verifyLinks', () => {
  it('accepts a chain from genesis and continues from a held head', () => {
    const events = chain('s1', 4);
    const first = verifyLinks('s1', GENESIS, events.slice(0, 2));
    expect(first).toEqual({ ok: true, head: events[1]!.hash });
    expect(verifyLinks('s1', events[1]!.hash, events.slice(2))).toEqual({ ok: true, head: events[3]!.hash });
  });

  it('names the first event whose content was altered, or whose link does not hold', () => {
    const events = chain('s1', 4);
    const altered = events.map((e, i) => (i === 2 ? { ...e, payload: { seq: 99 } } : e));
    expect(verifyLinks('s1', GENESIS, altered)).toMatchObject({ ok: false, index: 2, reason: expect.stringMatching(/altered/) });
    expect(verifyLinks('s1', GENESIS, [events[0]!, events[2]!])).toMatchObject({ ok: false, index: 1, reason: expect.stringMatching(/removed/) });
    expect(verifyLinks('other-session', GENESIS, events)).toMatchObject({ ok: false, index: 0 });
  });
});
