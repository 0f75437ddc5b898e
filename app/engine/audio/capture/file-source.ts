/**
 * A media file as an AudioSource: decoded by ffmpeg to 16 kHz mono and delivered in chunks, as fast as the
 * sink takes them or paced to real time (for end-to-end runs that imitate a microphone).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeAudioFile } from '../decode';
import { SAMPLE_RATE } from '../pcm';
import type { AudioSink, AudioSource } from './source';

export interface FileSourceOptions {
  readonly chunkSec?: number;
  readonly realTime?: boolean;
  /** Session-clock time of the file's first sample. */
  readonly t0?: number;
}

export class FileAudioSource implements AudioSource {
  private stopped = false;

  constructor(
    readonly path: string,
    private readonly options: FileSourceOptions = {},
  ) {}

  async start(sink: AudioSink): Promise<void> {
    const samples = await decodeAudioFile(this.path);
    const step = Math.round((this.options.chunkSec ?? 0.1) * SAMPLE_RATE);
    const t0 = this.options.t0 ?? 0;
    for (let i = 0; i < samples.length && !this.stopped; i += step) {
      sink.chunk({ t: t0 + i / SAMPLE_RATE, samples: samples.slice(i, i + step) });
      if (this.options.realTime) await sleep((step / SAMPLE_RATE) * 1000);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
