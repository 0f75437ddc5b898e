import { sql, type Kysely } from 'kysely';

/** Accounts, exams, candidate sessions with their verified event chains, reports, evidence, instructions, audit. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE settings (
      key   text PRIMARY KEY,
      value text NOT NULL
    )`,
    `CREATE TABLE users (
      id            uuid PRIMARY KEY,
      email         text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      role          text NOT NULL CHECK (role IN ('admin', 'invigilator', 'reviewer')),
      created_at    timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE user_sessions (
      token_hash text PRIMARY KEY,
      user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL
    )`,
    `CREATE TABLE exams (
      id                   uuid PRIMARY KEY,
      name                 text NOT NULL,
      policy               jsonb NOT NULL DEFAULT '{}',
      enrolment_token_hash text NOT NULL UNIQUE,
      retention_days       integer CHECK (retention_days > 0),
      created_at           timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE exam_assignments (
      exam_id uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      PRIMARY KEY (exam_id, user_id)
    )`,
    `CREATE TABLE sessions (
      id                  uuid PRIMARY KEY,
      exam_id             uuid NOT NULL REFERENCES exams (id),
      client_session_id   text NOT NULL,
      enrol_secret_hash   text NOT NULL,
      token_hash          text NOT NULL UNIQUE,
      student_id          text NOT NULL,
      candidate_name      text,
      device              jsonb NOT NULL,
      engine_version      text NOT NULL,
      status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'finished')),
      started_at          timestamptz NOT NULL,
      ended_at            timestamptz,
      ack_seq             integer NOT NULL DEFAULT 0,
      head_hash           text NOT NULL,
      chain_status        text NOT NULL DEFAULT 'ok' CHECK (chain_status IN ('ok', 'broken')),
      chain_broken_seq    integer,
      chain_broken_reason text,
      claimed_head_seq    integer,
      claimed_head_hash   text,
      last_heartbeat_at   timestamptz,
      last_heartbeat      jsonb,
      created_at          timestamptz NOT NULL DEFAULT now(),
      UNIQUE (exam_id, client_session_id)
    )`,
    `CREATE INDEX sessions_active ON sessions (status, exam_id)`,
    `CREATE TABLE events (
      session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      seq        integer NOT NULL,
      t          double precision NOT NULL,
      type       text NOT NULL,
      payload    text NOT NULL,
      prev_hash  text NOT NULL,
      hash       text NOT NULL,
      PRIMARY KEY (session_id, seq)
    )`,
    `CREATE TABLE reports (
      id          bigserial PRIMARY KEY,
      session_id  uuid NOT NULL UNIQUE REFERENCES sessions (id) ON DELETE CASCADE,
      report      jsonb NOT NULL,
      risk_score  double precision NOT NULL,
      risk_level  text NOT NULL,
      flagged_intervals integer NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE interim_summaries (
      session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      t          double precision NOT NULL,
      summary    jsonb NOT NULL,
      PRIMARY KEY (session_id, t)
    )`,
    `CREATE TABLE evidence (
      id          uuid PRIMARY KEY,
      session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      segment_id  integer NOT NULL,
      upload_id   text NOT NULL UNIQUE,
      sha256      text NOT NULL,
      mime        text NOT NULL,
      bytes       bigint,
      status      text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'verified', 'quarantined')),
      created_at  timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`,
    `CREATE UNIQUE INDEX evidence_one_verified ON evidence (session_id, segment_id) WHERE status = 'verified'`,
    `CREATE TABLE instructions (
      id           uuid PRIMARY KEY,
      session_id   uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      kind         text NOT NULL CHECK (kind IN ('message', 'finish', 'pause')),
      message      text,
      created_at   timestamptz NOT NULL DEFAULT now(),
      confirmed_at timestamptz
    )`,
    `CREATE TABLE audit (
      id      bigserial PRIMARY KEY,
      at      timestamptz NOT NULL DEFAULT now(),
      actor   text NOT NULL,
      action  text NOT NULL,
      subject text NOT NULL
    )`,
  ];
  // One statement per query: PGlite's extended protocol takes one at a time.
  for (const statement of statements) await sql.raw(statement).execute(db);
}
