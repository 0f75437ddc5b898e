/**
 * One evidence clip through tus (tus-js-client). The upload URL is handed to `onUrl` as soon as the server
 * creates it, so the caller can keep it in the outbox row: after a crash or restart the upload resumes at the
 * server's offset instead of starting over. Retries are the spooler's job, not tus-js-client's.
 */
import axios from 'axios';
// Loaded with the first upload: every `vigil` command imports the spooler, and tus-js-client with its dependencies
// is about 10 MB that `vigil bench vision`'s RSS would carry.
import type * as Tus from 'tus-js-client';
import { SYNC_ROUTES, type EvidenceMetadata } from './protocol';
import { SyncRequestError } from './http-client';
import { pinMismatchIn, type SpkiPinnedAgent } from './spki-pin';

export interface EvidenceUploadResult {
  /** Where this attempt started: bytes the server already held and were not sent again. */
  readonly resumedAt: number;
  readonly bytesSent: number;
  /** The server already held this clip, verified (an earlier attempt finished but its answer was lost). */
  readonly alreadyReceived: boolean;
}

export interface EvidenceUploadOptions {
  readonly serverUrl: string;
  readonly token: string;
  readonly bytes: Buffer;
  readonly metadata: EvidenceMetadata;
  readonly uploadUrl: string | null;
  readonly onUrl: (url: string) => void;
  readonly chunkSize?: number;
  readonly onProgress?: (sent: number, total: number) => void;
  /** The pinned agent of the server's `SyncHttpClient`, when the exam pins its key. */
  readonly httpsAgent?: SpkiPinnedAgent;
}

/** The server's offset for a kept upload URL, or null when the server no longer has it (start over). */
async function serverOffset(url: string, token: string, httpsAgent: SpkiPinnedAgent | undefined): Promise<number | null> {
  let res;
  try {
    res = await axios.head(url, { headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' }, proxy: false, maxRedirects: 0, timeout: 15_000, validateStatus: () => true, ...(httpsAgent ? { httpsAgent } : {}) });
  } catch (error) {
    const mismatch = pinMismatchIn(error);
    if (mismatch) throw new SyncRequestError(mismatch.message, null, null, false);
    throw new SyncRequestError(`${url}: cannot reach the server (${(error as Error).message})`, null, null, true);
  }
  if (res.status === 404 || res.status === 410) return null;
  if (res.status !== 200 && res.status !== 204) throw new SyncRequestError(`HEAD ${url}: ${res.status}`, res.status, null, res.status >= 500 || res.status === 423);
  const offset = Number(res.headers['upload-offset']);
  return Number.isFinite(offset) ? offset : null;
}

export async function uploadEvidence(options: EvidenceUploadOptions): Promise<EvidenceUploadResult> {
  const resumedAt = options.uploadUrl ? await serverOffset(options.uploadUrl, options.token, options.httpsAgent) : null;
  const uploadUrl = resumedAt === null ? null : options.uploadUrl;
  const tus = await import('tus-js-client');
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(options.bytes, {
      endpoint: `${options.serverUrl}${SYNC_ROUTES.evidence}`,
      uploadUrl,
      headers: { authorization: `Bearer ${options.token}` },
      metadata: { ...options.metadata },
      chunkSize: options.chunkSize ?? 4 * 1024 * 1024,
      retryDelays: [],
      ...(options.httpsAgent ? { httpStack: new tus.DefaultHttpStack({ agent: options.httpsAgent }) } : {}),
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      onUploadUrlAvailable: () => {
        if (upload.url) options.onUrl(upload.url);
      },
      onProgress: (sent, total) => options.onProgress?.(sent, total),
      onSuccess: () => resolve({ resumedAt: resumedAt ?? 0, bytesSent: options.bytes.byteLength - (resumedAt ?? 0), alreadyReceived: false }),
      onError: (error) => {
        const mismatch = pinMismatchIn(error);
        if (mismatch) {
          reject(new SyncRequestError(mismatch.message, null, null, false));
          return;
        }
        const res = (error as Tus.DetailedError).originalResponse;
        const status = res ? res.getStatus() : null;
        const body = res ? res.getBody() ?? '' : '';
        if (status === 409 && body.startsWith('already_received')) {
          resolve({ resumedAt: 0, bytesSent: 0, alreadyReceived: true });
          return;
        }
        const retryable = status === null || status >= 500 || status === 423 || status === 429 || status === 408;
        reject(new SyncRequestError(`evidence ${options.metadata.segmentId}: ${status ?? 'no answer'} ${body.trim() || (error as Error).message.split('\n')[0]}`.trim(), status, null, retryable));
      },
    });
    upload.start();
  });
}
