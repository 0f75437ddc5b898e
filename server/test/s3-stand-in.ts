/**
 * The STAND-IN for a real S3 endpoint in tests: `s3rver` (an S3 emulator on the filesystem) on loopback. It
 * implements multipart uploads (CreateMultipartUpload, UploadPart, CompleteMultipartUpload) but not ListParts or
 * AbortMultipartUpload: it answers both with 405 MethodNotAllowed, and ListParts is the first thing
 * `@tus/s3-store` asks on every PATCH (to learn which parts S3 already holds), which is why the first PATCH
 * failed. Every real S3 service implements both, so the stand-in gets them here, answered from s3rver's own part
 * files; nothing else of s3rver is changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  status: number;
  type: string;
  body: unknown;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: Middleware[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3StandIn {
  readonly endpoint: string;
  readonly bucket: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** The S3 operations asked of the stand-in, in order (`x-id`, else `METHOD query-keys`). */
  readonly calls: string[];
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startS3StandIn(bucket = 'vigil-evidence'): Promise<S3StandIn> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = mkdtempSync(join(tmpdir(), 'vigil-s3rver-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const calls: string[] = [];
  const uploadDir = (b: string, uploadId: string) => {
    if (!/^[0-9a-f]+$/.test(uploadId)) throw new Error('bad upload id');
    return join(s3.store.getResourcePath(b, undefined, 'uploads'), uploadId);
  };
  const multipartGaps: Middleware = async (ctx, next) => {
    // The AWS SDK names each operation in `x-id` (GetObject, ListParts, UploadPart, …).
    calls.push(ctx.query['x-id'] ?? `${ctx.method} ${Object.keys(ctx.query).sort().join('&')}`.trim());
    const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    const uploadId = ctx.query.uploadId;
    if (!m || uploadId === undefined || (ctx.method !== 'GET' && ctx.method !== 'DELETE')) return next();
    const dir = uploadDir(m[1]!, uploadId);
    if (ctx.method === 'DELETE') {
      // AbortMultipartUpload
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    // ListParts
    const names = await readdir(dir).catch(() => null);
    if (!names) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`;
      return;
    }
    const numbers = names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
    const parts = await Promise.all(
      numbers.map(async (n) => {
        const info = await stat(join(dir, String(n)));
        const md5 = (await readFile(join(dir, `${n}.md5`), 'utf8')).trim();
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${info.size}</Size></Part>`;
      }),
    );
    ctx.type = 'application/xml';
    ctx.body =
      `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult><Bucket>${xml(m[1]!)}</Bucket><Key>${xml(m[2]!)}</Key><UploadId>${xml(uploadId)}</UploadId>` +
      `<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${numbers.at(-1) ?? 0}</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`;
  };
  // Koa runs middleware in array order: this one answers the two missing calls before s3rver's router refuses them.
  s3.middleware.unshift(multipartGaps);
  const { port } = await s3.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    // s3rver's fixed development key pair (it checks signatures made with it).
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    calls,
    async close() {
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
