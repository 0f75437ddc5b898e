import { sql, type Kysely } from 'kysely';

/**
 * Live thumbnails (policy `liveView: thumbnails`): the newest small camera picture of each session, replaced by
 * the next one; nothing older is kept (they are for watching the room, not evidence).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE session_thumbnails (
        session_id uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        jpeg       bytea NOT NULL,
        width      integer NOT NULL,
        height     integer NOT NULL,
        at         timestamptz NOT NULL DEFAULT now()
      )`,
    )
    .execute(db);
}
