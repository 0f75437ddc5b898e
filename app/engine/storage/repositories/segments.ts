import type { Db } from '../db';
import { sha256Hex } from '../hash-chain';
import { OutboxRepository } from './outbox';

export interface SegmentMeta {
  readonly id: number;
  readonly sessionId: string;
  readonly start: number;
  readonly end: number;
  readonly reason: string;
  readonly mime: string;
  readonly size: number;
  readonly sha256: string;
  readonly createdAt: string;
}

export interface NewSegment {
  readonly start: number;
  readonly end: number;
  readonly reason: string;
  readonly mime: string;
  readonly bytes: Uint8Array;
  /**
   * Queue the clip for the session's server (default true). A live session's rolling segments are not: most are
   * deleted once outside the window, and only the clips the report keeps (flagged moments) leave the computer.
   */
  readonly sync?: boolean;
}

const META_COLUMNS = 'id, session_id AS sessionId, start, end, reason, mime, size, sha256, created_at AS createdAt';

export class SegmentsRepository {
  private readonly outbox: OutboxRepository;

  constructor(private readonly db: Db) {
    this.outbox = new OutboxRepository(db);
  }

  /** Stores a clip; for a synced session its upload is queued in the same transaction. */
  add(sessionId: string, segment: NewSegment): SegmentMeta {
    const sha256 = sha256Hex(segment.bytes);
    const id = this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO segments (session_id, start, end, reason, mime, bytes, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(sessionId, segment.start, segment.end, segment.reason, segment.mime, Buffer.from(segment.bytes), segment.bytes.byteLength, sha256, new Date().toISOString());
      const segmentId = Number(info.lastInsertRowid);
      if (segment.sync !== false) this.outbox.enqueueIfSynced('evidence', { segmentId, uploadUrl: null }, sessionId);
      return segmentId;
    })();
    return this.meta(id)!;
  }

  meta(id: number): SegmentMeta | undefined {
    return this.db.prepare(`SELECT ${META_COLUMNS} FROM segments WHERE id = ?`).get(id) as SegmentMeta | undefined;
  }

  list(sessionId: string): SegmentMeta[] {
    return this.db.prepare(`SELECT ${META_COLUMNS} FROM segments WHERE session_id = ? ORDER BY start`).all(sessionId) as SegmentMeta[];
  }

  /**
   * Queues a stored segment for its session's server, once (a rolling live segment a flag now keeps, sent while the
   * exam runs); nothing for a session that does not sync.
   */
  share(id: number): void {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT session_id AS sessionId FROM segments WHERE id = ?').get(id) as { sessionId: string } | undefined;
      if (!row || this.queued(id)) return;
      this.outbox.enqueueIfSynced('evidence', { segmentId: id, uploadUrl: null }, row.sessionId);
    })();
  }

  /**
   * Removes a clip that is no longer kept (a rolling live segment outside every flagged range). One queued for the
   * server stays: its upload must still find it, and what left the computer stays on it too.
   */
  delete(id: number): void {
    if (this.queued(id)) return;
    this.db.prepare('DELETE FROM segments WHERE id = ?').run(id);
  }

  private queued(id: number): boolean {
    return this.db.prepare("SELECT 1 FROM outbox WHERE kind = 'evidence' AND json_extract(payload, '$.segmentId') = ? LIMIT 1").get(id) !== undefined;
  }

  /** The clip's bytes, refused if they no longer match the stored sha256. */
  read(id: number): Buffer {
    const row = this.db.prepare('SELECT bytes, sha256 FROM segments WHERE id = ?').get(id) as { bytes: Buffer; sha256: string } | undefined;
    if (!row) throw new Error(`segment ${id} does not exist`);
    if (sha256Hex(row.bytes) !== row.sha256) throw new Error(`segment ${id}: bytes do not match the stored sha256 (corrupted or altered)`);
    return row.bytes;
  }
}
