import { sql, type Kysely } from 'kysely';

/**
 * Reports made by analysis jobs (`POST /api/v1/proctoring/process`) are listed with the ones candidates' devices
 * sent: a report row comes from a session or from a job, never both; a job's student and exam ids are the ones
 * given with the upload (free text, as the seed API had them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `ALTER TABLE reports ALTER COLUMN session_id DROP NOT NULL`,
    `ALTER TABLE reports ADD COLUMN job_id uuid UNIQUE REFERENCES analysis_jobs (id) ON DELETE CASCADE`,
    `ALTER TABLE reports ADD COLUMN student_id text`,
    `ALTER TABLE reports ADD COLUMN exam_id text`,
    `ALTER TABLE reports ADD CONSTRAINT reports_one_source CHECK ((session_id IS NULL) <> (job_id IS NULL))`,
  ]) await sql.raw(statement).execute(db);
}
