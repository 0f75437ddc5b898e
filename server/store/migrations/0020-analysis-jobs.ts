import { sql, type Kysely } from 'kysely';

/** Recorded exams uploaded for analysis on the server: a queue that survives restarts (claimed with SKIP LOCKED). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`CREATE TABLE analysis_jobs (
    id          uuid PRIMARY KEY,
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    input_path  text NOT NULL,
    student_id  text,
    exam_id     text,
    report      jsonb,
    error       text,
    attempts    integer NOT NULL DEFAULT 0,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz
  )`).execute(db);
  await sql.raw(`CREATE INDEX analysis_jobs_queued ON analysis_jobs (created_at) WHERE status = 'queued'`).execute(db);
}
