import { sql, type Kysely } from 'kysely';

/**
 * Reviews (the console): append-only verdicts on a session's flags and on the session as a whole, each with its
 * reviewer and time. `version` numbers a session's reviews from 1 with no gaps; a write names the version it saw,
 * so a second reviewer working from an older page is refused instead of silently overwriting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE reviews (
      session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      version    integer NOT NULL CHECK (version > 0),
      flag_key   text,
      decision   text NOT NULL CHECK (decision IN ('confirmed', 'dismissed', 'not_reviewed', 'no_violation', 'suspicious', 'violation')),
      note       text NOT NULL DEFAULT '',
      reviewer   text NOT NULL,
      at         timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, version)
    )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
