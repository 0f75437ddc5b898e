import type { Db } from '../db';
import { canonicalJson } from '../canonical-json';
import { GENESIS, chainHash } from '../hash-chain';

export interface EventRow {
  readonly id: number;
  readonly sessionId: string;
  readonly t: number;
  readonly type: string;
  readonly payload: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

interface RawEvent {
  id: number;
  session_id: string;
  t: number;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export type ChainVerdict =
  | { readonly ok: true; readonly sessionId: string; readonly count: number; readonly head: string }
  | { readonly ok: false; readonly sessionId: string; readonly count: number; readonly rowId: number; readonly reason: string };

export class EventsRepository {
  private readonly lastHash;
  private readonly insert;
  private readonly nextSeq;
  private readonly queue;

  constructor(private readonly db: Db) {
    this.lastHash = db.prepare('SELECT hash FROM events WHERE session_id = ? ORDER BY id DESC LIMIT 1').pluck();
    this.insert = db.prepare('INSERT INTO events (session_id, t, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)');
    this.nextSeq = db.prepare('UPDATE sync_targets SET last_seq = last_seq + 1 WHERE session_id = ? RETURNING last_seq').pluck();
    this.queue = db.prepare("INSERT INTO outbox (kind, session_id, payload, created_at, next_attempt_at) VALUES ('event', ?, ?, ?, ?)");
  }

  /**
   * Appends one event to its session's chain. IMMEDIATE, so two writers can never fork the chain. A synced session's
   * event is numbered (the protocol's seq) and queued for the server in the same transaction.
   */
  append(sessionId: string, t: number, type: string, payload: unknown): EventRow {
    return this.db
      .transaction((): EventRow => {
        const prevHash = (this.lastHash.get(sessionId) as string | undefined) ?? GENESIS;
        const hash = chainHash(prevHash, { sessionId, t, type, payload });
        const info = this.insert.run(sessionId, t, type, canonicalJson(payload), prevHash, hash);
        const seq = this.nextSeq.get(sessionId) as number | undefined;
        if (seq !== undefined) {
          const now = new Date().toISOString();
          this.queue.run(sessionId, JSON.stringify({ eventId: Number(info.lastInsertRowid), seq }), now, now);
        }
        return { id: Number(info.lastInsertRowid), sessionId, t, type, payload, prevHash, hash };
      })
      .immediate();
  }

  get(id: number): EventRow | undefined {
    const raw = this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as RawEvent | undefined;
    return raw && toRow(raw);
  }

  list(sessionId: string): EventRow[] {
    return (this.db.prepare('SELECT * FROM events WHERE session_id = ? ORDER BY id').all(sessionId) as RawEvent[]).map(toRow);
  }

  /** Walks a session's chain and names the first row whose link or hash does not hold. */
  verifyChain(sessionId: string): ChainVerdict {
    let expectedPrev = GENESIS;
    let count = 0;
    for (const raw of this.db.prepare('SELECT * FROM events WHERE session_id = ? ORDER BY id').iterate(sessionId) as IterableIterator<RawEvent>) {
      let payload: unknown;
      try {
        payload = JSON.parse(raw.payload);
      } catch {
        return { ok: false, sessionId, count, rowId: raw.id, reason: 'payload is not valid JSON' };
      }
      if (raw.prev_hash !== expectedPrev) {
        return { ok: false, sessionId, count, rowId: raw.id, reason: 'prev_hash does not match the previous row (a row was removed or reordered)' };
      }
      const hash = chainHash(raw.prev_hash, { sessionId: raw.session_id, t: raw.t, type: raw.type, payload });
      if (hash !== raw.hash) return { ok: false, sessionId, count, rowId: raw.id, reason: 'hash does not match the row content (the row was altered)' };
      expectedPrev = raw.hash;
      count += 1;
    }
    return { ok: true, sessionId, count, head: expectedPrev };
  }

  /** Verifies every session's chain; the first failure, or ok for all. */
  verifyAll(): ChainVerdict[] {
    const ids = this.db.prepare('SELECT DISTINCT session_id FROM events ORDER BY session_id').pluck().all() as string[];
    return ids.map((id) => this.verifyChain(id));
  }
}

function toRow(raw: RawEvent): EventRow {
  return { id: raw.id, sessionId: raw.session_id, t: raw.t, type: raw.type, payload: JSON.parse(raw.payload) as unknown, prevHash: raw.prev_hash, hash: raw.hash };
}
