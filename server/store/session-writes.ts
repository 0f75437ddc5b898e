/**
 * The two writes every candidate makes all exam long, each as one statement: one round trip to the database
 * instead of a transaction of four to six. Under load the server's time went to sending queries (the bench's
 * CPU profile: 18% in the socket writes of node-postgres), so the hot paths send as few as they can. Each
 * statement's UPDATE takes the session row's lock, so it is as safe against a concurrent request as the
 * `SELECT … FOR UPDATE` transaction it replaces.
 */
import { sql, type Kysely } from 'kysely';
import type { ChainedEvent, Heartbeat } from '../../app/engine/sync/protocol';
import type { Database } from './schema';

/**
 * Appends a batch that continues the session's held chain exactly: the first event's prevHash is the stored head,
 * its seq the next one, the chain is not broken, and any head a heartbeat reported inside the batch's range is the
 * batch's event at that seq. The caller has checked the batch's own links and hashes (verifyLinks from the first
 * event's prevHash). Anything else (a resend, a gap, a break, a race) changes nothing and answers false: the caller
 * then takes the careful path that says which. With `tokenHash`, only a session holding that token is written.
 */
export async function appendContinuingBatch(db: Kysely<Database>, sessionId: string, tokenHash: string | null, events: readonly ChainedEvent[], payloads: readonly string[]): Promise<boolean> {
  const first = events[0]!;
  const last = events.at(-1)!;
  const hashes = events.map((e) => e.hash);
  const { rows } = await sql<{ advanced: number }>`
    WITH advanced AS (
      UPDATE sessions SET ack_seq = ${last.seq}, head_hash = ${last.hash}
      WHERE id = ${sessionId} AND ${tokenMatches(tokenHash)} AND chain_status = 'ok' AND ack_seq = ${first.seq - 1} AND head_hash = ${first.prevHash}
        AND (claimed_head_seq IS NULL OR claimed_head_seq < ${first.seq} OR claimed_head_seq > ${last.seq}
             OR claimed_head_hash = (${hashes}::text[])[claimed_head_seq - ${first.seq} + 1])
      RETURNING id
    ), inserted AS (
      INSERT INTO events (session_id, seq, t, type, payload, prev_hash, hash)
      SELECT advanced.id, e.seq, e.t, e.type, e.payload, e.prev_hash, e.hash
      FROM advanced, unnest(${events.map((e) => e.seq)}::int[], ${events.map((e) => e.t)}::float8[], ${events.map((e) => e.type)}::text[],
                            ${payloads}::text[], ${events.map((e) => e.prevHash)}::text[], ${hashes}::text[]) AS e(seq, t, type, payload, prev_hash, hash)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM advanced)::int AS advanced, (SELECT count(*) FROM inserted)::int AS inserted`.execute(db);
  return rows[0]!.advanced === 1;
}

/** `tokenHash`: the bearer token's hash when the request's token is still to be checked (see requireSessionTokenInStatement). */
function tokenMatches(tokenHash: string | null) {
  return tokenHash === null ? sql`true` : sql`token_hash = ${tokenHash}`;
}

export interface PendingInstruction {
  id: string;
  kind: 'message' | 'finish' | 'pause';
  message: string | null;
}

/**
 * Records a heartbeat: its time and body, the chain head it reports (kept when it is not older than the one held;
 * a head at or below the acknowledged seq that differs from the held event marks the chain broken for good), and
 * answers the oldest unconfirmed instruction. Null when no session has that id (and that token, with `tokenHash`).
 */
export async function recordHeartbeat(db: Kysely<Database>, sessionId: string, tokenHash: string | null, hb: Heartbeat): Promise<{ instruction: PendingInstruction | null } | null> {
  const { seq, hash } = hb.chainHead;
  const claims = sql`(${seq}::int > 0 AND ${seq}::int >= coalesce(s.claimed_head_seq, 0))`;
  const rewritten = sql`(${claims} AND ${seq}::int <= s.ack_seq AND s.chain_status = 'ok'
    AND EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id AND e.seq = ${seq}::int AND e.hash <> ${hash}::text))`;
  const { rows } = await sql<{ instruction: PendingInstruction | null }>`
    UPDATE sessions s SET
      last_heartbeat_at = now(),
      last_heartbeat = ${JSON.stringify(hb)}::jsonb,
      claimed_head_seq = CASE WHEN ${claims} THEN ${seq}::int ELSE s.claimed_head_seq END,
      claimed_head_hash = CASE WHEN ${claims} THEN ${hash}::text ELSE s.claimed_head_hash END,
      chain_status = CASE WHEN ${rewritten} THEN 'broken' ELSE s.chain_status END,
      chain_broken_seq = CASE WHEN ${rewritten} THEN ${seq}::int ELSE s.chain_broken_seq END,
      chain_broken_reason = CASE WHEN ${rewritten} THEN 'the head in a heartbeat differs from the event held (the log was rewritten)' ELSE s.chain_broken_reason END
    WHERE s.id = ${sessionId} AND ${tokenMatches(tokenHash)}
    RETURNING (SELECT json_build_object('id', i.id, 'kind', i.kind, 'message', i.message) FROM instructions i
               WHERE i.session_id = s.id AND i.confirmed_at IS NULL ORDER BY i.created_at LIMIT 1) AS instruction`.execute(db);
  if (!rows.length) return null;
  const raw = rows[0]!.instruction;
  return { instruction: typeof raw === 'string' ? (JSON.parse(raw) as PendingInstruction) : raw };
}
