/**
 * The upload spooler: drains the outbox to each session's server, oldest first within a session, and marks a row
 * sent only once the server acknowledged it (rows are never deleted). It asks the server's health first and waits
 * while the server cannot accept; a failed row is retried later with exponential backoff and jitter. The same code
 * runs in the Electron utility process, the browser shell's engine and the `vigil` command.
 */
import { arch, platform, release } from 'node:os';
import { engineVersion } from '../paths';
import { Report } from '../report/report';
import type { OutboxItem } from '../storage/repositories/outbox';
import type { SyncTarget } from '../storage/repositories/sync-targets';
import type { Store } from '../storage/store';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { uploadEvidence } from './evidence-upload';
import { SyncHttpClient, SyncRequestError } from './http-client';
import { InterimSummary, SYNC_LIMITS, SYNC_PROTOCOL_VERSION, type ChainedEvent, type EvidenceMetadata } from './protocol';

export interface SpoolerOptions {
  readonly store: Store;
  readonly backoff?: BackoffOptions;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
  /** tus chunk size; smaller chunks give finer resume points. */
  readonly chunkSize?: number;
  readonly requestTimeoutMs?: number;
  /** Server URL → its SPKI pin (base64 SHA-256), as the exam config names it: such a server is reached only through the pin. */
  readonly spkiPins?: Readonly<Record<string, string>>;
}

export interface PassResult {
  readonly sent: number;
  readonly failed: number;
  /** Some server could not be reached or said it cannot accept: its rows were not tried. */
  readonly serverUnavailable: boolean;
  readonly pending: number;
}

export interface DrainResult {
  readonly done: boolean;
  readonly sent: number;
  readonly pending: number;
  readonly lastError: string | null;
}

/** Evidence upload figures of the last pass, for tests and `vigil sync run`. */
export interface UploadFigures {
  segmentId: number;
  resumedAt: number;
  bytesSent: number;
  alreadyReceived: boolean;
}

type EventPayload = { eventId: number; seq: number };
type EvidencePayload = { segmentId: number; uploadUrl: string | null };

export class Spooler {
  private readonly clients = new Map<string, SyncHttpClient>();
  private readonly now: () => Date;
  private readonly backoff: BackoffOptions;
  private healthFailures = 0;
  lastError: string | null = null;
  readonly uploads: UploadFigures[] = [];

  constructor(private readonly options: SpoolerOptions) {
    this.now = options.now ?? (() => new Date());
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** One pass over everything pending. `ignoreSchedule` tries rows whose backoff has not run out (a manual run). */
  async pass(ignoreSchedule = false): Promise<PassResult> {
    const { store } = this.options;
    const bySession = new Map<string, OutboxItem[]>();
    for (const row of store.outbox.pending()) {
      if (!row.sessionId) continue;
      const list = bySession.get(row.sessionId) ?? [];
      list.push(row);
      bySession.set(row.sessionId, list);
    }
    const health = new Map<string, boolean>();
    // One clip per pass, after every other row: a flagged clip sent during the exam never holds up its events,
    // heartbeats (their own path) or another session's rows for more than one upload.
    const budget = { evidence: 1 };
    let sent = 0;
    let failed = 0;
    let serverUnavailable = false;
    for (const [sessionId, rows] of bySession) {
      const target = store.syncTargets.get(sessionId);
      if (!target) continue;
      const client = this.client(target.serverUrl);
      if (!health.has(target.serverUrl)) health.set(target.serverUrl, await this.accepting(client));
      if (!health.get(target.serverUrl)) {
        serverUnavailable = true;
        continue;
      }
      const outcome = await this.sendSession(client, target, rows, ignoreSchedule, budget);
      sent += outcome.sent;
      failed += outcome.failed;
      if (outcome.unreachable) {
        health.set(target.serverUrl, false);
        serverUnavailable = true;
      }
    }
    if (!serverUnavailable) this.healthFailures = 0;
    return { sent, failed, serverUnavailable, pending: store.outbox.pendingCount() };
  }

  /** Passes until nothing is pending or `timeoutMs` ran out, sleeping for backoff or for the server to come back. */
  async drain(timeoutMs: number, signal?: AbortSignal): Promise<DrainResult> {
    const deadline = Date.now() + timeoutMs;
    let sent = 0;
    let first = true;
    for (;;) {
      const result = await this.pass(first);
      first = false;
      sent += result.sent;
      if (result.pending === 0) return { done: true, sent, pending: 0, lastError: null };
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return { done: false, sent, pending: result.pending, lastError: this.lastError };
      const wait = result.serverUnavailable ? backoffDelay(this.healthFailures++, { ...this.backoff, capMs: Math.min(this.backoff.capMs, 10_000) }) : this.untilNextDue();
      await sleep(Math.min(Math.max(wait, 20), left), signal);
    }
  }

  private untilNextDue(): number {
    const next = this.options.store.outbox.pending().reduce((min, r) => Math.min(min, Date.parse(r.nextAttemptAt)), Infinity);
    return Number.isFinite(next) ? next - this.now().getTime() : 1000;
  }

  private client(url: string): SyncHttpClient {
    let client = this.clients.get(url);
    if (!client) this.clients.set(url, (client = new SyncHttpClient(url, this.options.requestTimeoutMs, this.options.spkiPins?.[url] ?? this.options.store.syncTargets.pinFor(url))));
    return client;
  }

  private async accepting(client: SyncHttpClient): Promise<boolean> {
    try {
      const health = await client.health();
      if (health.protocol !== SYNC_PROTOCOL_VERSION) {
        this.lastError = `${client.baseUrl}: speaks sync protocol ${health.protocol}, this client ${SYNC_PROTOCOL_VERSION}`;
        return false;
      }
      if (!health.accepting) this.lastError = `${client.baseUrl}: not accepting (database ${health.database.ok ? 'ok' : 'down'}, blobs ${health.blobs.ok ? 'ok' : 'down'})`;
      return health.accepting;
    } catch (error) {
      this.lastError = (error as Error).message;
      return false;
    }
  }

  /**
   * Sends one session's rows in order, stopping at the first that fails or is not yet due; evidence rows go after the
   * others, as many as `budget` allows (the rest wait for the next pass, in order).
   */
  private async sendSession(client: SyncHttpClient, initial: SyncTarget, queued: OutboxItem[], ignoreSchedule: boolean, budget: { evidence: number }) {
    const { store } = this.options;
    let target = initial;
    let sent = 0;
    let failed = 0;
    const clips = queued.filter((r) => r.kind === 'evidence');
    const rows = [...queued.filter((r) => r.kind !== 'evidence'), ...clips.slice(0, budget.evidence)];
    budget.evidence -= Math.min(budget.evidence, clips.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!ignoreSchedule && Date.parse(row.nextAttemptAt) > this.now().getTime()) break;
      try {
        if (row.kind === 'enrol') {
          await this.enrol(client, target);
          target = store.syncTargets.get(target.sessionId)!;
          store.outbox.markSent(row.id);
          sent++;
          continue;
        }
        if (!target.serverSessionId || !target.sessionToken) break; // enrolment is still queued before this row
        if (row.kind === 'event') {
          const batch = this.eventBatch(rows, i);
          const ack = await this.sendEvents(client, target, batch);
          const acked = batch.filter((b) => b.seq <= ack).map((b) => b.row.id);
          store.outbox.markManySent(acked);
          sent += acked.length;
          i += batch.length - 1;
          if (acked.length < batch.length) break;
        } else if (row.kind === 'report') {
          const json = store.reports.getJson((row.payload as { reportId: number }).reportId);
          const report = Report.safeParse(json);
          if (!report.success) throw new SyncRequestError(`report ${(row.payload as { reportId: number }).reportId}: not a valid v1 report`, null, null, false);
          await client.putReport(target.serverSessionId, target.sessionToken, { protocol: SYNC_PROTOCOL_VERSION, kind: 'final', report: report.data });
          store.outbox.markSent(row.id);
          sent++;
        } else if (row.kind === 'interim') {
          const summary = InterimSummary.safeParse(row.payload);
          if (!summary.success) throw new SyncRequestError(`outbox row ${row.id}: not an interim summary`, null, null, false);
          await client.putReport(target.serverSessionId, target.sessionToken, { protocol: SYNC_PROTOCOL_VERSION, kind: 'interim', summary: summary.data });
          store.outbox.markSent(row.id);
          sent++;
        } else if (row.kind === 'evidence') {
          await this.sendEvidence(client, target, row);
          store.outbox.markSent(row.id);
          sent++;
        } else {
          throw new SyncRequestError(`outbox row ${row.id}: unknown kind ${row.kind}`, null, null, false);
        }
      } catch (error) {
        const e = error instanceof SyncRequestError ? error : new SyncRequestError((error as Error).message, null, null, true);
        this.lastError = e.message;
        store.outbox.markFailed(row.id, e.message, this.now(), backoffDelay(row.attempts, this.backoff));
        this.options.log?.(`sync: ${e.message}`);
        failed++;
        return { sent, failed, unreachable: e.status === null && e.retryable };
      }
    }
    return { sent, failed, unreachable: false };
  }

  private async enrol(client: SyncHttpClient, target: SyncTarget): Promise<void> {
    const session = this.options.store.sessions.get(target.sessionId)!;
    const answer = await client.enrol({
      protocol: SYNC_PROTOCOL_VERSION,
      examToken: target.examToken,
      clientSessionId: target.sessionId,
      enrolSecret: target.enrolSecret,
      candidate: { studentId: target.studentId },
      device: { platform: platform(), arch: arch(), release: release().slice(0, 100) },
      engineVersion: engineVersion(),
      startedAt: session.startedAt,
    });
    this.options.store.syncTargets.enrolled(target.sessionId, answer.sessionId, answer.sessionToken);
  }

  /** Consecutive event rows from `start`, within the protocol's batch limits. */
  private eventBatch(rows: OutboxItem[], start: number): { row: OutboxItem; seq: number; event: ChainedEvent }[] {
    const batch: { row: OutboxItem; seq: number; event: ChainedEvent }[] = [];
    let bytes = 0;
    for (let i = start; i < rows.length && rows[i]!.kind === 'event' && batch.length < SYNC_LIMITS.eventsPerBatch; i++) {
      const row = rows[i]!;
      const { eventId, seq } = row.payload as EventPayload;
      const e = this.options.store.events.get(eventId);
      if (!e) throw new SyncRequestError(`event ${eventId} is queued but not stored`, null, null, false);
      const event: ChainedEvent = { seq, t: e.t, type: e.type, payload: e.payload, prevHash: e.prevHash, hash: e.hash };
      bytes += JSON.stringify(event).length;
      if (batch.length && bytes > SYNC_LIMITS.batchBytes * 0.9) break;
      batch.push({ row, seq, event });
    }
    return batch;
  }

  private async sendEvents(client: SyncHttpClient, target: SyncTarget, batch: { seq: number; event: ChainedEvent }[]): Promise<number> {
    try {
      const ack = await client.sendEvents(target.serverSessionId!, target.sessionToken!, { protocol: SYNC_PROTOCOL_VERSION, events: batch.map((b) => b.event) });
      return ack.ackSeq;
    } catch (error) {
      // A refusal still says how far the server holds the chain: those rows are acknowledged.
      if (error instanceof SyncRequestError && error.body?.ackSeq !== undefined && error.body.ackSeq >= batch[0]!.seq) return error.body.ackSeq;
      throw error;
    }
  }

  private async sendEvidence(client: SyncHttpClient, target: SyncTarget, row: OutboxItem): Promise<void> {
    const { store } = this.options;
    const payload = row.payload as EvidencePayload;
    const meta = store.segments.meta(payload.segmentId);
    if (!meta) throw new SyncRequestError(`evidence ${payload.segmentId} is queued but not stored`, null, null, false);
    const bytes = store.segments.read(payload.segmentId);
    const metadata: EvidenceMetadata = { sessionId: target.serverSessionId!, segmentId: String(meta.id), sha256: meta.sha256, mime: meta.mime as EvidenceMetadata['mime'] };
    const result = await uploadEvidence({
      serverUrl: client.baseUrl,
      httpsAgent: client.httpsAgent,
      token: target.sessionToken!,
      bytes,
      metadata,
      uploadUrl: payload.uploadUrl,
      chunkSize: this.options.chunkSize,
      onUrl: (url) => store.outbox.updatePayload(row.id, { ...payload, uploadUrl: url }),
    });
    this.uploads.push({ segmentId: meta.id, ...result });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
