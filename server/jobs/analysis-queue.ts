/**
 * Server-side analysis (`POST /api/v1/proctoring/process`): a queue in the database, claimed with
 * `FOR UPDATE SKIP LOCKED` so several workers (processes) never take the same job, each job run as the `vigil`
 * command in its own process (the server imports no engine internals). A job survives a restart: one left
 * `running` by a process that died is queued again.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { Report } from '../../app/engine/report/report';
import type { Database } from '../store/schema';

export interface AnalysisWorkerOptions {
  readonly home: string;
  /** The command that analyses a file; default: this checkout's `vigil`. */
  readonly vigil?: readonly string[];
  readonly pollMs?: number;
  /** A running job older than this is taken to be orphaned by a dead process. */
  readonly orphanAfterMs?: number;
}

export function jobsDir(home: string): string {
  return join(home, 'jobs');
}

export async function requeueOrphans(db: Kysely<Database>, olderThanMs: number): Promise<number> {
  const rows = await db
    .updateTable('analysis_jobs')
    .set({ status: 'queued' })
    .where('status', '=', 'running')
    .where('started_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .returning('id')
    .execute();
  return rows.length;
}

/** Claims the oldest queued job, or null. */
export async function claimJob(db: Kysely<Database>) {
  const { rows } = await sql<{ id: string; input_path: string; student_id: string | null; exam_id: string | null }>`
    UPDATE analysis_jobs SET status = 'running', started_at = now(), attempts = attempts + 1
    WHERE id = (SELECT id FROM analysis_jobs WHERE status = 'queued' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING id, input_path, student_id, exam_id`.execute(db);
  return rows[0] ?? null;
}

function runVigil(command: readonly string[], args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, [...command.slice(1), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    child.on('close', (code) => resolve({ code, stderr }));
    child.on('error', (error) => resolve({ code: -1, stderr: error.message }));
  });
}

/** Stores a job's outcome; a report is also listed with the ones devices sent (GET /api/v1/reports), under the upload's student and exam. */
export async function finishJob(db: Kysely<Database>, job: { id: string; student_id: string | null; exam_id: string | null }, report: Report | null, error: string | null): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('analysis_jobs')
      .set({ status: report ? 'done' : 'failed', report: report ? JSON.stringify(report) : null, error, finished_at: new Date() })
      .where('id', '=', job.id)
      .execute();
    if (report) {
      await tx
        .insertInto('reports')
        .values({ job_id: job.id, student_id: job.student_id, exam_id: job.exam_id, report: JSON.stringify(report), risk_score: report.risk.score, risk_level: report.risk.level, flagged_intervals: report.intervals.filter((i) => i.flagged).length })
        .onConflict((oc) => oc.column('job_id').doNothing())
        .execute();
    }
  });
}

export async function runOneJob(db: Kysely<Database>, options: AnalysisWorkerOptions): Promise<boolean> {
  const job = await claimJob(db);
  if (!job) return false;
  const dir = jobsDir(options.home);
  const out = join(dir, `${job.id}.report.json`);
  const command = options.vigil ?? [process.execPath, join(import.meta.dirname, '..', '..', 'app', 'cli', 'vigil.mjs')];
  const args = ['analyze', job.input_path, '--no-store', '--out', out, ...(job.student_id ? ['--student', job.student_id] : []), ...(job.exam_id ? ['--exam', job.exam_id] : [])];
  const run = await runVigil(command, args, { ...process.env, VIGIL_HOME: join(dir, 'vigil-home') });
  let report: Report | null = null;
  let error: string | null = null;
  if (run.code === 0) {
    try {
      report = Report.parse(JSON.parse(readFileSync(out, 'utf8')));
    } catch (e) {
      error = `the report vigil wrote is not a v1 report (${(e as Error).message.slice(0, 200)})`;
    }
  } else error = run.stderr.trim().split('\n').filter((l) => l.startsWith('vigil:')).at(-1) ?? `vigil exited with ${run.code}`;
  await finishJob(db, job, report, error);
  rmSync(out, { force: true });
  return true;
}

/** Polls for jobs until stopped; one job at a time per worker (analysis takes the machine's cores). */
export function startAnalysisWorker(db: Kysely<Database>, options: AnalysisWorkerOptions): () => Promise<void> {
  mkdirSync(jobsDir(options.home), { recursive: true });
  let stopped = false;
  const loop = (async () => {
    await requeueOrphans(db, options.orphanAfterMs ?? 60 * 60_000).catch(() => 0);
    while (!stopped) {
      const worked = await runOneJob(db, options).catch(() => false);
      if (!worked) await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
