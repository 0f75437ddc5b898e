/**
 * A live session's link to its institution while the exam runs (sync protocol v1, "heartbeat"): every few seconds
 * a heartbeat with the session's state (this interval's score, the risk so far, active warnings, what waits in
 * the outbox, the clock, the chain's head); an interim summary into the outbox now and then; and the instructions
 * the server answers with (a message, finish, pause), held for the candidate app until it has shown or acted on
 * them, then confirmed on the next heartbeat (SEB Server's ping/instruction pattern). A server that is down costs
 * nothing but a log line: the exam goes on and the outbox keeps everything for later.
 */
import type { Store } from '../storage/store';
import { SyncHttpClient } from './http-client';
import { HEARTBEAT_BOUNDS, heartbeatInterval, SYNC_PROTOCOL_VERSION, type Instruction } from './protocol';

/** What the session says about itself for a heartbeat (LiveSession.status). */
export interface SessionStatus {
  readonly t: number;
  readonly intervalScore: number;
  readonly riskLevel: string;
  readonly activeWarnings: readonly string[];
  readonly alerts: number;
}

export interface LiveSyncOptions {
  readonly store: Store;
  readonly sessionId: string;
  readonly status: () => SessionStatus;
  /** Wakes the spooler when something was queued (SyncRunner.kick). */
  readonly kick: () => void;
  /**
   * A fixed heartbeat interval (specs, benches). Without it the session uses the interval its server states in each
   * heartbeat's answer, clamped into the protocol's bounds, and the default until the first answer.
   */
  readonly heartbeatSec?: number;
  /** An interim summary is queued this often. */
  readonly interimSec?: number;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
  readonly requestTimeoutMs?: number;
  /** The exam config's SPKI pins by server URL (spki-pin.ts): the heartbeat connects only to the pinned key. */
  readonly spkiPins?: Readonly<Record<string, string>>;
  /** Appends to the session's hash chain: each instruction received and done is evidence of what the candidate saw. */
  readonly record?: (type: string, payload: unknown) => void;
}

export interface HeartbeatOutcome {
  readonly at: string;
  readonly ok: boolean;
  readonly error: string | null;
}

export const LIVE_HEARTBEAT_SEC = HEARTBEAT_BOUNDS.defaultSec;
export const INTERIM_SUMMARY_SEC = 30;

export class LiveSync {
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  /** The heartbeat interval in use, in seconds: the fixed one, else the server's last stated one (clamped). */
  intervalSec: number;
  /** Instructions received and not yet shown or acted on by the candidate app. */
  private readonly forApp: Instruction[] = [];
  private readonly seen = new Set<string>();
  /** Done by the app, not yet carried by a heartbeat the server answered. */
  private confirmed: string[] = [];
  /** A finish the app says it acted on: confirmed only once the session really finished (stop), not on its word. */
  private readonly finishing: string[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private client: SyncHttpClient | null = null;
  private stopped = false;
  last: HeartbeatOutcome | null = null;
  heartbeats = 0;

  constructor(private readonly options: LiveSyncOptions) {
    this.intervalSec = options.heartbeatSec ?? LIVE_HEARTBEAT_SEC;
  }

  get serverUrl(): string | null {
    return this.options.store.syncTargets.get(this.options.sessionId)?.serverUrl ?? null;
  }

  start(): void {
    const every = (sec: number, run: () => void) => {
      const timer = setInterval(run, sec * 1000);
      timer.unref?.();
      this.timers.push(timer);
    };
    this.scheduleBeat();
    every(this.options.interimSec ?? INTERIM_SUMMARY_SEC, () => this.queueInterim());
    this.options.kick();
  }

  /** Instructions for the candidate app; `done` are the ids it has shown or acted on (confirmed at once). */
  exchange(done: readonly string[]): Instruction[] {
    let fresh = false;
    for (const id of done) {
      const i = this.forApp.findIndex((x) => x.id === id);
      if (i < 0) continue;
      const [instruction] = this.forApp.splice(i, 1);
      this.note('instruction.done', { id, kind: instruction!.kind });
      if (instruction!.kind === 'finish') {
        this.finishing.push(id);
        continue;
      }
      this.confirmed.push(id);
      fresh = true;
    }
    // The confirmation need not wait for the next tick: the invigilator is watching for it.
    if (fresh && !this.stopped) void this.beat();
    return [...this.forApp];
  }

  /** An interim summary of the session so far, queued in the outbox (sent as `{ kind: 'interim' }`). */
  queueInterim(): void {
    if (this.stopped) return;
    const s = this.options.status();
    this.options.store.outbox.enqueueIfSynced('interim', { t: Math.max(0, s.t), intervalScore: s.intervalScore, riskLevel: s.riskLevel, alerts: s.alerts }, this.options.sessionId);
    this.options.kick();
  }

  /** One heartbeat, after any still under way; never throws (the exam goes on whatever the server does). */
  beat(): Promise<void> {
    this.inFlight = this.inFlight.then(() => this.send());
    return this.inFlight;
  }

  /** The session is finished: no more timers; the last summary queued, and confirmations still unsent tried once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    for (const t of this.timers.splice(0)) clearInterval(t);
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.queueInterim();
    this.stopped = true;
    this.confirmed.push(...this.finishing.splice(0));
    await this.beat();
  }

  /** The next heartbeat, `intervalSec` from now (a timeout each time, so a new interval takes effect at once). */
  private scheduleBeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    if (this.stopped) return;
    this.heartbeatTimer = setTimeout(() => {
      this.scheduleBeat();
      void this.beat();
    }, this.intervalSec * 1000);
    this.heartbeatTimer.unref?.();
  }

  /** Follows the interval the server stated, clamped so that no server can make the client spin or fall silent. */
  private adoptInterval(stated: unknown): void {
    if (this.options.heartbeatSec !== undefined) return;
    const next = heartbeatInterval(stated);
    if (next === this.intervalSec) return;
    this.options.log?.(`sync: heartbeat every ${next} s, as the server asks${next !== stated ? ` (it stated ${JSON.stringify(stated)?.slice(0, 40)})` : ''}`);
    this.intervalSec = next;
    this.scheduleBeat();
  }

  private note(type: string, payload: unknown): void {
    try {
      this.options.record?.(type, payload);
    } catch {
      // the session finished meanwhile: its chain is closed
    }
  }

  private async send(): Promise<void> {
    const { store, sessionId } = this.options;
    const target = store.syncTargets.get(sessionId);
    if (!target?.serverSessionId || !target.sessionToken) {
      // Not enrolled yet: the enrolment is in the outbox, and the spooler sends it first.
      this.options.kick();
      return;
    }
    this.client ??= new SyncHttpClient(target.serverUrl, this.options.requestTimeoutMs ?? 4000, this.options.spkiPins?.[target.serverUrl] ?? target.spkiPin);
    const status = this.options.status();
    const confirmed = this.confirmed.slice(0, 20);
    const at = (this.options.now ?? (() => new Date()))().toISOString();
    try {
      const answer = await this.client.heartbeat(target.serverSessionId, target.sessionToken, {
        protocol: SYNC_PROTOCOL_VERSION,
        clock: at,
        intervalScore: status.intervalScore,
        riskLevel: status.riskLevel,
        activeWarnings: status.activeWarnings.slice(0, 50),
        pendingOutbox: store.outbox.counts(sessionId).reduce((n, c) => n + c.pending, 0),
        chainHead: store.syncTargets.chainHead(sessionId) ?? { seq: 0, hash: '' },
        confirmed,
      });
      this.heartbeats += 1;
      this.adoptInterval(answer.heartbeatSeconds);
      this.confirmed = this.confirmed.filter((id) => !confirmed.includes(id));
      const instruction = answer.instruction;
      if (instruction && !this.seen.has(instruction.id)) {
        this.seen.add(instruction.id);
        this.forApp.push(instruction);
        this.note('instruction.received', { id: instruction.id, kind: instruction.kind, message: instruction.message ?? null });
      }
      this.last = { at, ok: true, error: null };
    } catch (error) {
      this.last = { at, ok: false, error: (error as Error).message };
      this.options.log?.(`sync: heartbeat: ${(error as Error).message}`);
    }
  }
}
