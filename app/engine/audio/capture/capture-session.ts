/**
 * Connects an AudioSource to the AudioAnalyzer: chunks are analysed in order (the VAD is async, so they queue),
 * device events are kept with their times, and after `mic_back` analysis resumes at the new time without
 * inventing audio for the gap. Errors in analysis are kept, never thrown into the source's callback.
 */
import type { AudioAnalyzer } from '../analyzer';
import type { AudioChunk, AudioDeviceEvent, AudioSink } from './source';

export class CaptureSession implements AudioSink {
  readonly events: AudioDeviceEvent[] = [];
  readonly errors: Error[] = [];
  private queue: Promise<void> = Promise.resolve();
  private needsResume = false;

  constructor(
    private readonly analyzer: AudioAnalyzer,
    private readonly onEvent: (event: AudioDeviceEvent) => void = () => {},
  ) {}

  chunk(chunk: AudioChunk): void {
    this.enqueue(async () => {
      // A chunk that starts well after where the analyzer is (a gap) or a first chunk after mic_back: resume there.
      if (this.needsResume || Math.abs(chunk.t - this.analyzer.now) > 0.25) {
        await this.analyzer.resumeAt(chunk.t);
        this.needsResume = false;
      }
      await this.analyzer.push(chunk.samples);
    });
  }

  event(event: AudioDeviceEvent): void {
    this.events.push(event);
    if (event.type === 'mic_back') this.needsResume = true;
    this.onEvent(event);
  }

  /** Waits for every queued chunk, then closes open segments and windows. */
  async finish(): Promise<void> {
    await this.queue;
    await this.analyzer.finish();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
    });
  }
}
