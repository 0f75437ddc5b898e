/**
 * The spooler running in the background of a long-lived engine (the Electron utility process, the browser shell's
 * engine): one pass at a time, again soon while anything is pending, backing off while the server is down, woken
 * at once when something new is queued. The exam never waits on it: a server that is down only leaves rows
 * in the outbox, and the next engine start takes them up again.
 */
import type { Store } from '../storage/store';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { Spooler, type SpoolerOptions } from './spooler';

export interface SyncRunnerOptions extends SpoolerOptions {
  /** How often an idle runner looks for new rows (a kick wakes it sooner). */
  readonly idleMs?: number;
  /** The longest wait while the server cannot be reached. */
  readonly downCapMs?: number;
}

export class SyncRunner {
  readonly spooler: Spooler;
  private running = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private kicked = false;
  private downPasses = 0;
  private loop: Promise<void> | null = null;
  /** Whether the last pass reached the server; null before the first. */
  reachable: boolean | null = null;

  constructor(private readonly options: SyncRunnerOptions & { store: Store }) {
    this.spooler = new Spooler(options);
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was queued: pass now rather than at the next tick. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const idle = this.options.idleMs ?? 2000;
    while (!this.stopped) {
      let wait = idle;
      this.kicked = false;
      try {
        if (this.options.store.outbox.pendingCount() > 0) {
          const result = await this.spooler.pass();
          this.reachable = !result.serverUnavailable;
          if (result.serverUnavailable) wait = backoffDelay(this.downPasses++, { ...DEFAULT_BACKOFF, ...this.options.backoff, capMs: this.options.downCapMs ?? 10_000 });
          else {
            this.downPasses = 0;
            // Sent something and more waits (clips go one per pass): on at once; else the rest is in backoff.
            if (result.pending > 0) wait = result.sent > 0 ? 0 : Math.min(idle, 500);
          }
        }
      } catch (error) {
        // A closed store (engine shutting down) or a bug in one pass must not end the loop silently.
        this.options.log?.(`sync: ${(error as Error).message}`);
        if (!this.options.store.db.open) return;
      }
      if (this.stopped) return;
      if (this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        timer.unref?.();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
