/** Where the server keeps its data: VIGIL_SERVER_HOME, else the platform's per-user data folder; DATABASE_URL for PostgreSQL. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { HEARTBEAT_BOUNDS, HeartbeatSeconds } from '../app/engine/sync/protocol';
import type { S3EvidenceConfig } from './blobs/s3-evidence-store';

export function serverHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIGIL_SERVER_HOME) return resolve(env.VIGIL_SERVER_HOME);
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'vigil-server');
}

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.DATABASE_URL || null;
}

/** VIGIL_EVIDENCE_DIR: the evidence folder, shared by every server process on one database (default `<home>/evidence`). */
export function evidenceDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.VIGIL_EVIDENCE_DIR ? resolve(env.VIGIL_EVIDENCE_DIR) : undefined;
}

/**
 * Evidence in S3-compatible storage instead of a folder: VIGIL_S3_BUCKET, with VIGIL_S3_ENDPOINT (omit for AWS),
 * VIGIL_S3_REGION (default us-east-1) and VIGIL_S3_PATH_STYLE=1 for servers addressed `endpoint/bucket/key`
 * (MinIO, Ceph, Garage). Credentials come from the AWS SDK's own chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …).
 */
export function s3Evidence(env: NodeJS.ProcessEnv = process.env): S3EvidenceConfig | null {
  if (!env.VIGIL_S3_BUCKET) return null;
  return {
    bucket: env.VIGIL_S3_BUCKET,
    ...(env.VIGIL_S3_ENDPOINT ? { endpoint: env.VIGIL_S3_ENDPOINT } : {}),
    ...(env.VIGIL_S3_REGION ? { region: env.VIGIL_S3_REGION } : {}),
    forcePathStyle: env.VIGIL_S3_PATH_STYLE === '1' || env.VIGIL_S3_PATH_STYLE === 'true',
  };
}

/**
 * VIGIL_HEARTBEAT_SECONDS: how often candidates' live sessions send a heartbeat, stated to each client at enrolment
 * (whole seconds, within the protocol's bounds; default 5). Fewer, longer intervals lighten a large sitting.
 */
export function heartbeatSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.VIGIL_HEARTBEAT_SECONDS;
  if (raw === undefined || raw === '') return HEARTBEAT_BOUNDS.defaultSec;
  const parsed = HeartbeatSeconds.safeParse(Number(raw));
  if (!parsed.success) throw new Error(`VIGIL_HEARTBEAT_SECONDS: ${JSON.stringify(raw)} is not whole seconds from ${HEARTBEAT_BOUNDS.minSec} to ${HEARTBEAT_BOUNDS.maxSec}`);
  return parsed.data;
}
