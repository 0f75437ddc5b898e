/**
 * Evidence clips arrive through tus (resumable uploads): into a folder by default (@tus/file-store), or an
 * S3-compatible bucket. Each upload is authorised by the candidate session's bearer token, its Upload-Metadata
 * checked against the protocol, and on finish the bytes are hashed again: a mismatch is quarantined, never served.
 */
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { DataStore, Locker, Upload } from '@tus/utils';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { access, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { EvidenceMetadata, SYNC_LIMITS, SYNC_ROUTES } from '../../app/engine/sync/protocol';
import { bearerTokenHash, candidateFromHeader } from '../auth/plugin';
import type { BlobsHealth, LiveFeed } from '../context';
import type { Database } from '../store/schema';

const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** Both stores used here (file, S3) can read an upload back; DataStore itself does not promise it. */
export type ReadableStore = DataStore & {
  read(id: string): Readable | Promise<Readable>;
  /** Bytes start..end (inclusive), read from the store itself (`S3EvidenceStore`); without it the route cannot serve ranges. */
  readRange?(id: string, start: number, end: number): Promise<Readable>;
};

export interface EvidenceStore extends BlobsHealth {
  readonly tus: Server;
  /** The clip's bytes, or a byte range of them. */
  read(uploadId: string, range?: { start: number; end: number }): Promise<Readable>;
  remove(uploadId: string): Promise<void>;
}

export interface EvidenceStoreOptions {
  readonly db: Kysely<Database>;
  readonly live: LiveFeed;
  /** Folder for the file store (default) and its quarantine beside it. */
  readonly directory: string;
  readonly datastore?: ReadableStore;
  readonly locker?: Locker;
}

/** A tus refusal: the server sends `status_code` with `body` to the client. */
function refuse(status_code: number, body: string): { status_code: number; body: string } {
  return { status_code, body: `${body}\n` };
}

export function createEvidenceStore(options: EvidenceStoreOptions): EvidenceStore {
  const { db } = options;
  const uploads = join(options.directory, 'uploads');
  const quarantine = join(options.directory, 'quarantine');
  mkdirSync(uploads, { recursive: true });
  mkdirSync(quarantine, { recursive: true });
  const datastore: ReadableStore = options.datastore ?? new FileStore({ directory: uploads });
  const kind: 'file' | 's3' = options.datastore ? 's3' : 'file';

  const tusOptions: ConstructorParameters<typeof Server>[0] = {
    path: SYNC_ROUTES.evidence,
    datastore,
    relativeLocation: true,
    maxSize: SYNC_LIMITS.evidenceBytes,
    ...(options.locker ? { locker: options.locker } : {}),
    async onIncomingRequest(req, uploadId) {
      // Creation is authorised in onUploadCreate, once the metadata can be checked too.
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      if (!UPLOAD_ID.test(uploadId)) throw refuse(404, 'no such upload');
      // The token and the upload in one query: every HEAD and PATCH asks it.
      const token = bearerTokenHash(req.headers.get('authorization') ?? undefined);
      const row = token
        ? await db.selectFrom('sessions').leftJoin('evidence', (join) => join.on('evidence.upload_id', '=', uploadId)).select(['sessions.id as candidate', 'evidence.session_id as owner']).where('sessions.token_hash', '=', token).executeTakeFirst()
        : undefined;
      if (!row) throw refuse(401, 'missing, unknown or revoked session token');
      if (!row.owner) throw refuse(404, 'no such upload');
      if (row.owner !== row.candidate) throw refuse(403, 'this upload belongs to another session');
    },
    async onUploadCreate(req, upload) {
      const candidate = await candidateFromHeader(db, req.headers.get('authorization') ?? undefined);
      if (!candidate) throw refuse(401, 'missing, unknown or revoked session token');
      const parsed = EvidenceMetadata.safeParse(upload.metadata ?? {});
      if (!parsed.success) throw refuse(400, `bad Upload-Metadata: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'metadata'} ${i.message}`).join('; ')}`);
      const meta = parsed.data;
      if (meta.sessionId !== candidate.id) throw refuse(403, 'Upload-Metadata names another session');
      if (upload.size === undefined) throw refuse(400, 'Upload-Length is required');
      const done = await db.selectFrom('evidence').select('id').where('session_id', '=', candidate.id).where('segment_id', '=', Number(meta.segmentId)).where('status', '=', 'verified').executeTakeFirst();
      if (done) throw refuse(409, `already_received: segment ${meta.segmentId} is already stored and verified`);
      await db
        .insertInto('evidence')
        .values({ id: randomUUID(), session_id: candidate.id, segment_id: Number(meta.segmentId), upload_id: upload.id, sha256: meta.sha256, mime: meta.mime, bytes: upload.size })
        .execute();
      return {};
    },
    async onUploadFinish(_req, upload: Upload) {
      const row = await db.selectFrom('evidence').innerJoin('sessions', 'sessions.id', 'evidence.session_id').select(['evidence.id', 'evidence.sha256', 'evidence.segment_id', 'sessions.exam_id', 'sessions.id as session_id']).where('upload_id', '=', upload.id).executeTakeFirstOrThrow();
      const hash = createHash('sha256');
      for await (const chunk of await datastore.read(upload.id)) hash.update(chunk as Buffer);
      const actual = hash.digest('hex');
      if (actual !== row.sha256) {
        await db.updateTable('evidence').set({ status: 'quarantined', finished_at: new Date() }).where('id', '=', row.id).execute();
        if (kind === 'file') await rename(join(uploads, upload.id), join(quarantine, upload.id)).catch(() => undefined);
        await options.live.publish(row.exam_id, { type: 'evidence.quarantined', sessionId: row.session_id, segmentId: row.segment_id });
        throw refuse(460, `sha256_mismatch: the bytes received hash to ${actual}, not ${row.sha256}; the upload is quarantined`);
      }
      try {
        await db.updateTable('evidence').set({ status: 'verified', finished_at: new Date() }).where('id', '=', row.id).execute();
      } catch {
        // The same segment finished twice (two uploads raced): the first verified copy stands.
        throw refuse(409, `already_received: segment ${row.segment_id} is already stored and verified`);
      }
      await options.live.publish(row.exam_id, { type: 'evidence.verified', sessionId: row.session_id, segmentId: row.segment_id });
      return {};
    },
  };
  const tus = new Server(tusOptions);

  return {
    tus,
    kind,
    async healthy() {
      if (kind === 's3') return true;
      return access(uploads).then(() => true, () => false);
    },
    async remove(uploadId) {
      if (!UPLOAD_ID.test(uploadId)) throw new Error('bad upload id');
      await datastore.remove(uploadId);
    },
    async read(uploadId, range) {
      if (!UPLOAD_ID.test(uploadId)) throw new Error('bad upload id');
      if (kind === 'file') return createReadStream(join(uploads, uploadId), range);
      if (!range) return datastore.read(uploadId);
      if (!datastore.readRange) throw new Error('this evidence store cannot read byte ranges');
      return datastore.readRange(uploadId, range.start, range.end);
    },
  };
}
