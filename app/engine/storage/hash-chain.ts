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
