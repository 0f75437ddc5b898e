/**
 * The client's side of the sync protocol over HTTP (axios): each call parses the answer with the protocol's zod
 * schema and turns every failure into a SyncRequestError that says whether trying again can help.
 */
import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { z } from 'zod';
import { pinMismatchIn, SpkiPinnedAgent } from './spki-pin';
import { EnrolAnswer, EventAck, Health, HeartbeatAnswer, SyncError, SYNC_ROUTES, ThumbnailAck, type EnrolRequest, type EventBatch, type Heartbeat, type ReportUpload, type ThumbnailUpload } from './protocol';

export class SyncRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when the server could not be reached. */
    readonly status: number | null,
    /** The server's refusal body, when it sent one. */
    readonly body: SyncError | null,
    /** True when the same request may succeed later (server down, 5xx, 429, 408). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SyncRequestError';
  }
}

export class SyncHttpClient {
  private readonly http: AxiosInstance;
  /** Set when the exam config pins the server's key: every connection (also tus uploads') goes through it. */
  readonly httpsAgent: SpkiPinnedAgent | undefined;

  constructor(
    readonly baseUrl: string,
    timeoutMs = 15_000,
    /** The server's SPKI pin (base64 SHA-256) from the exam config; the server must then be https. */
    spkiPin: string | null = null,
  ) {
    if (spkiPin && !baseUrl.startsWith('https://')) throw new SyncRequestError(`${baseUrl}: the exam pins this server's public key, so it must be https`, null, null, false);
    this.httpsAgent = spkiPin ? new SpkiPinnedAgent(spkiPin) : undefined;
    // No proxies and no redirects: the exam config names this server, and nothing else may answer for it.
    this.http = axios.create({ baseURL: baseUrl, timeout: timeoutMs, proxy: false, maxRedirects: 0, validateStatus: () => true, ...(this.httpsAgent ? { httpsAgent: this.httpsAgent } : {}) });
  }

  async health(): Promise<Health> {
    return this.call('GET', SYNC_ROUTES.health, undefined, undefined, Health, [200, 503]);
  }

  /** The enrolment; its `heartbeatSeconds` is left unchecked here, for `heartbeatInterval` to clamp. */
  enrol(request: EnrolRequest): Promise<EnrolAnswer> {
    return this.call('POST', SYNC_ROUTES.enrol, request, undefined, EnrolAnswer);
  }

  sendEvents(sessionId: string, token: string, batch: EventBatch): Promise<EventAck> {
    return this.call('POST', SYNC_ROUTES.events(sessionId), batch, token, EventAck);
  }

  async putReport(sessionId: string, token: string, upload: ReportUpload): Promise<void> {
    await this.call('PUT', SYNC_ROUTES.report(sessionId), upload, token, null);
  }

  /** A heartbeat; the answer's `heartbeatSeconds` is left unchecked here, for `heartbeatInterval` to clamp. */
  heartbeat(sessionId: string, token: string, beat: Heartbeat): Promise<HeartbeatAnswer> {
    return this.call('POST', SYNC_ROUTES.heartbeat(sessionId), beat, token, HeartbeatAnswer);
  }

  /** A live thumbnail on its own route (thumbnail-sender.ts); apart from heartbeats and the outbox. */
  sendThumbnail(sessionId: string, token: string, upload: ThumbnailUpload): Promise<ThumbnailAck> {
    return this.call('POST', SYNC_ROUTES.thumbnail(sessionId), upload, token, ThumbnailAck);
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', url: string, data: unknown, token: string | undefined, schema: z.ZodType<T> | null, ok: number[] = [200]): Promise<T> {
    let res;
    try {
      res = await this.http.request({ method, url, data, headers: token ? { authorization: `Bearer ${token}` } : {} });
    } catch (error) {
      const mismatch = pinMismatchIn(error);
      if (mismatch) throw new SyncRequestError(mismatch.message, null, null, false);
      const reason = error instanceof AxiosError ? (error.code ?? error.message) : (error as Error).message;
      throw new SyncRequestError(`${this.baseUrl}: cannot reach the server (${reason})`, null, null, true);
    }
    if (!ok.includes(res.status)) {
      const body = SyncError.safeParse(res.data);
      const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
      throw new SyncRequestError(`${method} ${url}: ${res.status} ${body.success ? `${body.data.error}: ${body.data.message}` : ''}`.trim(), res.status, body.success ? body.data : null, retryable);
    }
    if (!schema) return undefined as T;
    const parsed = schema.safeParse(res.data);
    if (!parsed.success) throw new SyncRequestError(`${method} ${url}: the server's answer does not follow sync protocol v1`, res.status, null, false);
    return parsed.data;
  }
}
