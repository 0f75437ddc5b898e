/**
 * The event log's hash chain: each row's hash is sha256(previous hash + its own canonical JSON), per
 * session, starting from GENESIS. Rewriting or dropping any row breaks every hash after it.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export const GENESIS = '0'.repeat(64);

export interface ChainedContent {
  readonly sessionId: string;
  readonly t: number;
  readonly type: string;
  readonly payload: unknown;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What the hash covers: everything a reader relies on, not the row id (which SQLite assigns). */
export function eventBody(content: ChainedContent): string {
  return canonicalJson({ sessionId: content.sessionId, t: content.t, type: content.type, payload: content.payload });
}

export function chainHash(prevHash: string, content: ChainedContent): string {
  return sha256Hex(prevHash + eventBody(content));
}

export interface LinkedEvent extends Omit<ChainedContent, 'sessionId'> {
  readonly prevHash: string;
  readonly hash: string;
}

export type LinkVerdict = { readonly ok: true; readonly head: string } | { readonly ok: false; readonly index: number; readonly reason: string };

/**
 * Checks events that continue a chain whose last hash is `head` (GENESIS for a new one): each must link to the
 * one before and hash to its own content. The server runs this on every batch it appends.
 */
export function verifyLinks(sessionId: string, head: string, events: readonly LinkedEvent[]): LinkVerdict {
  let expectedPrev = head;
  for (const [index, e] of events.entries()) {
    if (e.prevHash !== expectedPrev) return { ok: false, index, reason: 'prevHash does not match the previous event (an event was removed, reordered or rewritten)' };
    if (chainHash(e.prevHash, { sessionId, t: e.t, type: e.type, payload: e.payload }) !== e.hash) return { ok: false, index, reason: 'hash does not match the event content (the event was altered)' };
    expectedPrev = e.hash;
  }
  return { ok: true, head: expectedPrev };
}
