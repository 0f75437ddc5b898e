/** What every resource plugin is given: the database, the blob store, the live feed, the version. */
import type { Readable } from 'node:stream';
import type { ServerDb } from './store/db';

export interface BlobsHealth {
  readonly kind: 'file' | 's3';
  healthy(): Promise<boolean>;
  read(uploadId: string, range?: { start: number; end: number }): Promise<Readable>;
  remove(uploadId: string): Promise<void>;
}

export interface LiveFeed {
  publish(examId: string, message: unknown): Promise<void>;
  subscribe(listener: (examId: string, message: unknown) => void): () => void;
}

export interface ServerContext {
  readonly db: ServerDb;
  readonly blobs: BlobsHealth;
  readonly live: LiveFeed;
  readonly version: string;
  readonly secure: boolean;
  /** Stated to every client at enrolment (sync protocol `heartbeatSeconds`). */
  readonly heartbeatSeconds: number;
}
