/**
 * Evidence in S3-compatible storage (`@tus/s3-store`), for several server processes sharing one blob store. The
 * tus store keeps an upload as an S3 multipart upload (parts of `partSize`, the tail below it as a `.part` object)
 * and its metadata in `<id>.info`; this adds what the evidence routes need beyond tus: byte ranges read from S3
 * itself (GetObject with Range) rather than whole objects, and a delete that removes the clip whatever state its
 * upload is in.
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3Store } from '@tus/s3-store';
import type { Readable } from 'node:stream';

export interface S3EvidenceConfig {
  readonly bucket: string;
  /** e.g. `https://s3.eu-central-1.amazonaws.com`, or a MinIO/Ceph/Garage endpoint. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Path-style addressing (`endpoint/bucket/key`): what most self-hosted S3 servers need. */
  readonly forcePathStyle?: boolean;
  /** Otherwise the AWS SDK's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** S3's multipart part size (at least 5 MiB, S3's own minimum for every part but the last). */
  readonly partSize?: number;
}

export class S3EvidenceStore extends S3Store {
  constructor(config: S3EvidenceConfig) {
    const client: S3ClientConfig & { bucket: string } = {
      bucket: config.bucket,
      region: config.region ?? 'us-east-1',
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.forcePathStyle ? { forcePathStyle: true } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // Since 2025 the AWS SDK sends bodies `aws-chunked` with a trailing CRC32 by default; S3-compatible servers
      // that predate it (s3rver, older MinIO and Ceph) store the chunk framing as data. Checksums only where an
      // API requires them: the server hashes every clip itself on its last byte anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    super({ partSize: config.partSize ?? 8 * 1024 * 1024, s3ClientConfig: client });
  }

  /** Bytes `start`..`end` (inclusive) of a finished upload. */
  async readRange(id: string, start: number, end: number): Promise<Readable> {
    const data = await this.client.getObject({ Bucket: this.bucket, Key: id, Range: `bytes=${start}-${end}` });
    return data.Body as Readable;
  }

  /**
   * The clip, its metadata and any unfinished tail. tus' own `remove` aborts the multipart upload first and gives
   * up when S3 no longer knows it, which is the case for every finished upload.
   */
  override async remove(id: string): Promise<void> {
    try {
      const { 'upload-id': uploadId } = await this.getMetadata(id);
      if (uploadId) await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: uploadId }).catch(() => undefined);
    } catch {
      // no metadata left: delete what may remain
    }
    await this.client.deleteObjects({ Bucket: this.bucket, Delete: { Objects: [{ Key: id }, { Key: this.infoKey(id) }, { Key: this.partKey(id, true) }] } });
    await this.clearCache(id);
  }
}
