/**
 * Live thumbnails of a synced session whose policy says `liveView: thumbnails`: every THUMBNAIL.intervalSec of
 * session time, the camera frame the engine already received is shrunk to a small JPEG and handed to the
 * ThumbnailSender (sync/thumbnail-sender.ts). The picture is taken here, from the frames the engine analyses, not
 * by the page: the candidate app is the candidate's, and a picture it chose to send would show what it chose.
 */
import jpeg from 'jpeg-js';
import type { RgbFrame } from '../media/frames';
import type { Store } from '../storage/store';
import { SyncHttpClient } from '../sync/http-client';
import { SYNC_PROTOCOL_VERSION, THUMBNAIL, type ThumbnailUpload } from '../sync/protocol';
import { ThumbnailSender } from '../sync/thumbnail-sender';

/** Small enough to stay far under THUMBNAIL.maxBytes at any content, large enough to see a room. */
const WIDTH = 160;
const HEIGHT = 120;
const QUALITIES = [60, 40, 25];

/** The frame shrunk to 160x120 by averaging each source block (no aliasing from skipped pixels), as a JPEG. */
export function thumbnailOf(frame: RgbFrame, clock: Date): ThumbnailUpload {
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    const y0 = Math.floor((y * frame.height) / HEIGHT);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * frame.height) / HEIGHT));
    for (let x = 0; x < WIDTH; x++) {
      const x0 = Math.floor((x * frame.width) / WIDTH);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * frame.width) / WIDTH));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0, i = (sy * frame.width + x0) * 3; sx < x1; sx++, i += 3) {
          r += frame.data[i]!;
          g += frame.data[i + 1]!;
          b += frame.data[i + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * WIDTH + x) * 4;
      rgba[o] = r / n;
      rgba[o + 1] = g / n;
      rgba[o + 2] = b / n;
      rgba[o + 3] = 255;
    }
  }
  for (const quality of QUALITIES) {
    const encoded = jpeg.encode({ data: rgba, width: WIDTH, height: HEIGHT }, quality).data;
    if (encoded.length <= THUMBNAIL.maxBytes) {
      return { protocol: SYNC_PROTOCOL_VERSION, clock: clock.toISOString(), width: WIDTH, height: HEIGHT, jpeg: Buffer.from(encoded).toString('base64') };
    }
  }
  throw new Error(`thumbnail: a ${WIDTH}x${HEIGHT} JPEG stays over ${THUMBNAIL.maxBytes} bytes at quality ${QUALITIES.at(-1)}`);
}

export interface LiveThumbnailsOptions {
  readonly store: Store;
  readonly sessionId: string;
  readonly spkiPins?: Readonly<Record<string, string>>;
  readonly now?: () => Date;
  /** Milliseconds on a clock the candidate cannot move (frame times come from the page; the wall clock from the OS). */
  readonly monotonicMs?: () => number;
}

export class LiveThumbnails {
  private sender: ThumbnailSender | null = null;
  private lastMs = -Infinity;

  constructor(private readonly options: LiveThumbnailsOptions) {}

  /** The sender once the session is enrolled (its token is what the server checks), else null. */
  get active(): ThumbnailSender | null {
    return this.sender;
  }

  /** A frame the session received: a thumbnail of it when one is due. */
  offer(frame: RgbFrame): void {
    const nowMs = (this.options.monotonicMs ?? (() => performance.now()))();
    if (nowMs - this.lastMs < THUMBNAIL.intervalSec * 1000) return;
    const sender = this.senderIfEnrolled();
    if (!sender || sender.isStopped) return;
    this.lastMs = nowMs;
    sender.offer(thumbnailOf(frame, (this.options.now ?? (() => new Date()))()));
  }

  async idle(): Promise<void> {
    await this.sender?.idle();
  }

  private senderIfEnrolled(): ThumbnailSender | null {
    if (this.sender) return this.sender;
    const target = this.options.store.syncTargets.get(this.options.sessionId);
    if (!target?.serverSessionId || !target.sessionToken) return null;
    const client = new SyncHttpClient(target.serverUrl, 4000, this.options.spkiPins?.[target.serverUrl] ?? target.spkiPin);
    this.sender = new ThumbnailSender(client, { sessionId: target.serverSessionId, token: target.sessionToken });
    return this.sender;
  }
}
