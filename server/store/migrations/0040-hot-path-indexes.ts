import { sql, type Kysely } from 'kysely';

/** Indexes for what every heartbeat and every evidence check asks: a session's pending instructions, its clips. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`CREATE INDEX instructions_pending ON instructions (session_id, created_at) WHERE confirmed_at IS NULL`).execute(db);
  await sql.raw(`CREATE INDEX evidence_session ON evidence (session_id, segment_id)`).execute(db);
}
