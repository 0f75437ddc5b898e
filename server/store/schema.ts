/** The server database's tables as Kysely sees them (server/store/migrations is the source of truth). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface Database {
  settings: { key: string; value: string };
  users: { id: string; email: string; password_hash: string; role: Role; created_at: Timestamp };
  user_sessions: { token_hash: string; user_id: string; expires_at: Timestamp };
  exams: { id: string; name: string; policy: Json; enrolment_token_hash: string; retention_days: number | null; created_at: Timestamp };
  exam_assignments: { exam_id: string; user_id: string };
  sessions: {
    id: string;
    exam_id: string;
    client_session_id: string;
    enrol_secret_hash: string;
    token_hash: string;
    student_id: string;
    candidate_name: string | null;
    device: Json;
    engine_version: string;
    status: Generated<'active' | 'finished'>;
    started_at: Timestamp;
    ended_at: Timestamp | null;
    ack_seq: Generated<number>;
    head_hash: string;
    chain_status: Generated<'ok' | 'broken'>;
    chain_broken_seq: number | null;
    chain_broken_reason: string | null;
    claimed_head_seq: number | null;
    claimed_head_hash: string | null;
    last_heartbeat_at: Timestamp | null;
    last_heartbeat: Json | null;
    created_at: Timestamp;
  };
  events: { session_id: string; seq: number; t: number; type: string; payload: string; prev_hash: string; hash: string };
  /** From a candidate's session (`session_id`) or from an analysis job (`job_id`, with the upload's student and exam ids). */
  reports: { id: Generated<string>; session_id: string | null; job_id: string | null; student_id: string | null; exam_id: string | null; report: Json; risk_score: number; risk_level: string; flagged_intervals: number; created_at: Timestamp };
  interim_summaries: { session_id: string; t: number; summary: Json };
  evidence: {
    id: string;
    session_id: string;
    segment_id: number;
    upload_id: string;
    sha256: string;
    mime: string;
    bytes: ColumnType<string | null, number | null | undefined, number | null>;
    status: Generated<'uploading' | 'verified' | 'quarantined'>;
    created_at: Timestamp;
    finished_at: Timestamp | null;
  };
  instructions: { id: string; session_id: string; kind: 'message' | 'finish' | 'pause'; message: string | null; created_at: Timestamp; confirmed_at: Timestamp | null };
  analysis_jobs: {
    id: string;
    status: Generated<'queued' | 'running' | 'done' | 'failed'>;
    input_path: string;
    student_id: string | null;
    exam_id: string | null;
    report: Json | null;
    error: string | null;
    attempts: Generated<number>;
    created_by: string;
    created_at: Timestamp;
    started_at: Timestamp | null;
    finished_at: Timestamp | null;
  };
  reviews: { session_id: string; version: number; flag_key: string | null; decision: ReviewDecision; note: string; reviewer: string; at: Timestamp };
  audit: { id: Generated<string>; at: Timestamp; actor: string; action: string; subject: string };
}

export type Role = 'admin' | 'invigilator' | 'reviewer';
export const ROLES = ['admin', 'invigilator', 'reviewer'] as const;

export const FLAG_DECISIONS = ['confirmed', 'dismissed'] as const;
export const SESSION_REVIEW_STATUSES = ['not_reviewed', 'no_violation', 'suspicious', 'violation'] as const;
export type ReviewDecision = (typeof FLAG_DECISIONS)[number] | (typeof SESSION_REVIEW_STATUSES)[number];
