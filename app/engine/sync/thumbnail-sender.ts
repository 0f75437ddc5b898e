/**
 * Live thumbnails, client side: for a session enrolled with the institution server under a policy that says
 * `liveView: thumbnails`, the newest small JPEG goes to the server on its own route (protocol.ts ThumbnailUpload),
 * apart from heartbeats and the outbox (they are for watching the room, not evidence: nothing is stored or
 * retried). One is in flight at a time; one offered meanwhile waits, replacing any older one waiting; offers
 * closer together than THUMBNAIL.intervalSec are dropped. The server refusing them for the exam (thumbnails_off)
 * stops the sender for good.
 */
import { THUMBNAIL, type ThumbnailUpload } from './protocol';
import { SyncRequestError, type SyncHttpClient } from './http-client';

export interface ThumbnailTarget {
  readonly sessionId: string;
  readonly token: string;
}

export type ThumbnailOffer = 'sending' | 'waiting' | 'too_soon' | 'stopped';

export class ThumbnailSender {
  sent = 0;
  dropped = 0;
  /** Why the server refused the last one, or why the sender stopped. */
  lastError: string | null = null;
  private stopped = false;
  private inFlight: Promise<void> | null = null;
  private waiting: ThumbnailUpload | null = null;
  private lastOfferMs = -Infinity;

  constructor(
    private readonly client: Pick<SyncHttpClient, 'sendThumbnail'>,
    private readonly target: ThumbnailTarget,
    private readonly now: () => number = Date.now,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  offer(upload: ThumbnailUpload): ThumbnailOffer {
    if (this.stopped) return 'stopped';
    // A little slack under the interval: the page's timer is not exact.
    if (this.now() - this.lastOfferMs < (THUMBNAIL.intervalSec - 1) * 1000) {
      this.dropped++;
      return 'too_soon';
    }
    this.lastOfferMs = this.now();
    if (this.inFlight) {
      if (this.waiting) this.dropped++;
      this.waiting = upload;
      return 'waiting';
    }
    this.inFlight = this.send(upload);
    return 'sending';
  }

  /** Resolves when nothing is in flight (for a session that finishes, and for specs). */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async send(upload: ThumbnailUpload): Promise<void> {
    try {
      await this.client.sendThumbnail(this.target.sessionId, this.target.token, upload);
      this.sent++;
      this.lastError = null;
    } catch (error) {
      this.dropped++;
      this.lastError = (error as Error).message;
      if (error instanceof SyncRequestError && error.body?.error === 'thumbnails_off') this.stopped = true;
    }
    const next = this.waiting;
    this.waiting = null;
    this.inFlight = next && !this.stopped ? this.send(next) : null;
  }
}
