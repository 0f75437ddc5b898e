import type { Db } from '../db';

export interface OutboxItem {
  readonly id: number;
  readonly kind: string;
  readonly sessionId: string | null;
  readonly payload: unknown;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
}

interface RawOutbox {
  id: number;
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

  due(now = new Date(), limit = 50): OutboxItem[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?')
      .all(now.toISOString(), limit) as RawOutbox[];
    return rows.map((r) => ({ id: r.id, kind: r.kind, sessionId: r.session_id, payload: JSON.parse(r.payload) as unknown, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error }));
  }

  markSent(id: number, now = new Date()): void {
    this.db.prepare('UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL').run(now.toISOString(), id);
  }

  markFailed(id: number, error: string, now = new Date()): void {
    const row = this.db.prepare('SELECT attempts FROM outbox WHERE id = ?').get(id) as { attempts: number } | undefined;
    if (!row) return;
    const delayMs = Math.min(60 * 60_000, 1000 * 2 ** row.attempts);
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error.slice(0, 500), new Date(now.getTime() + delayMs).toISOString(), id);
  }

  pendingCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n;
  }
}
