/**
 * A tus Locker on PostgreSQL advisory locks, so several server processes sharing one database and one blob store
 * never write the same upload at once: an upload begun on one process can be resumed on another. Each held lock
 * keeps its own pooled connection (session-level advisory locks belong to a connection) and is released with it.
 * A holder in this process is asked to let go when another request wants its upload (tus' requestRelease); across
 * processes the waiter polls until the holder's request ends or the lock times out.
 */
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import pg from 'pg';

export class PostgresAdvisoryLocker implements Locker {
  readonly pool: pg.Pool;
  readonly held = new Map<string, RequestRelease>();

  constructor(
    connectionString: string,
    readonly timeoutMs = 30_000,
  ) {
    this.pool = new pg.Pool({ connectionString, max: 50 });
  }

  newLock(id: string): Lock {
    return new AdvisoryLock(id, this);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

class AdvisoryLock implements Lock {
  private client: pg.PoolClient | null = null;

  constructor(
    private readonly id: string,
    private readonly locker: PostgresAdvisoryLocker,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const client = await this.locker.pool.connect();
    const deadline = Date.now() + this.locker.timeoutMs;
    try {
      for (;;) {
        const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtextextended('vigil-tus:' || $1, 0)) AS ok", [this.id]);
        if (rows[0]?.ok) break;
        await this.locker.held.get(this.id)?.();
        if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
        await new Promise((r) => setTimeout(r, 25));
      }
    } catch (error) {
      client.release();
      throw error;
    }
    this.client = client;
    this.locker.held.set(this.id, requestRelease);
  }

  async unlock(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('Releasing an unlocked lock!');
    this.client = null;
    this.locker.held.delete(this.id);
    try {
      await client.query("SELECT pg_advisory_unlock(hashtextextended('vigil-tus:' || $1, 0))", [this.id]);
    } finally {
      client.release();
    }
  }
}
