import type { Db } from '../db';

export interface OutboxItem {
  readonly id: number;
  readonly createdAt?: string;
  readonly kind: string;
  readonly sessionId: string | null;
  readonly payload: unknown;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
}

interface RawOutbox {
  id: number;
  created_at: string;
  kind: string;
  session_id: string | null;
  payload: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

/** Items leave only on acknowledgement; a failure pushes the next attempt back exponentially. */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  enqueue(kind: string, payload: unknown, sessionId: string | null = null, now = new Date()): number {
    const info = this.db
      .prepare('INSERT INTO outbox (kind, session_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)')
      .run(kind, sessionId, JSON.stringify(payload), now.toISOString(), now.toISOString());
    return Number(info.lastInsertRowid);
  }

  /**
   * Queues `kind` for `sessionId` only if that session syncs to a server (it has a sync_targets row). Repositories
   * call this inside the transaction that stores the thing itself, so what is stored and what is queued never differ.
   */
  enqueueIfSynced(kind: string, payload: unknown, sessionId: string, now = new Date()): void {
    this.db
      .prepare('INSERT INTO outbox (kind, session_id, payload, created_at, next_attempt_at) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sync_targets WHERE session_id = ?)')
      .run(kind, sessionId, JSON.stringify(payload), now.toISOString(), now.toISOString(), sessionId);
  }

  due(now = new Date(), limit = 50): OutboxItem[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?')
      .all(now.toISOString(), limit) as RawOutbox[];
    return rows.map(toItem);
  }

  /** Every unsent row, oldest first, whether due or not (the spooler keeps each session's order). */
  pending(limit = 10_000): OutboxItem[] {
    return (this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?').all(limit) as RawOutbox[]).map(toItem);
  }

  /** Rewrites a row's payload (e.g. to keep an upload URL so a restart resumes the upload). */
  updatePayload(id: number, payload: unknown): void {
    this.db.prepare('UPDATE outbox SET payload = ? WHERE id = ? AND sent_at IS NULL').run(JSON.stringify(payload), id);
  }

  markSent(id: number, now = new Date()): void {
    this.db.prepare('UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL').run(now.toISOString(), id);
  }

  markManySent(ids: readonly number[], now = new Date()): void {
    const mark = this.db.prepare('UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL');
    this.db.transaction(() => {
      for (const id of ids) mark.run(now.toISOString(), id);
    })();
  }

  /** Pushes the next attempt back by `delayMs` (the spooler's backoff with jitter), else 1 s doubling per attempt. */
  markFailed(id: number, error: string, now = new Date(), delayMs?: number): void {
    const row = this.db.prepare('SELECT attempts FROM outbox WHERE id = ?').get(id) as { attempts: number } | undefined;
    if (!row) return;
    delayMs ??= Math.min(60 * 60_000, 1000 * 2 ** row.attempts);
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error.slice(0, 500), new Date(now.getTime() + delayMs).toISOString(), id);
  }

  pendingCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n;
  }

  /** Unsent and sent rows per kind, for `vigil sync status` and the finish screen. */
  counts(sessionId?: string): { kind: string; pending: number; sent: number }[] {
    return this.db
      .prepare('SELECT kind, sum(sent_at IS NULL) AS pending, sum(sent_at IS NOT NULL) AS sent FROM outbox WHERE (@s IS NULL OR session_id = @s) GROUP BY kind ORDER BY kind')
      .all({ s: sessionId ?? null }) as { kind: string; pending: number; sent: number }[];
  }
}

function toItem(r: RawOutbox): OutboxItem {
  return { id: r.id, createdAt: r.created_at, kind: r.kind, sessionId: r.session_id, payload: JSON.parse(r.payload) as unknown, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error }
}
