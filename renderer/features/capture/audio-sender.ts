/**
 * Sends the microphone to the engine as 16 kHz mono 16-bit PCM, one second at a time, on the session clock.
 * The browser resamples into a 16 kHz AudioContext; a ScriptProcessor (no extra module file to serve, so the
 * same code runs under both shells' CSP) hands over the samples and outputs silence.
 */
import type { ResponseOf } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';
import { pcm16Base64 } from './pcm16';

const RATE = 16_000;

export function startAudioSender(options: { stream: MediaStream; sessionId: string; clock: () => number; onOutcome: (o: ResponseOf<'session.audio'>) => void; onError: (e: Error) => void }): { stop(): Promise<void> } | undefined {
  const track = options.stream.getAudioTracks()[0];
  if (!track) return undefined;
  const context = new AudioContext({ sampleRate: RATE });
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const processor = context.createScriptProcessor(4096, 1, 1);
  let buffer = new Float32Array(RATE);
  let filled = 0;
  let startedAt: number | undefined;
  let queue: Promise<void> = Promise.resolve();
  const send = (samples: Float32Array, t: number) => {
    const pcm = pcm16Base64(samples);
    // In order: the engine's pipeline needs the chunks in time order.
    queue = queue.then(() => invoke('session.audio', { sessionId: options.sessionId, t, samples: pcm }).then(options.onOutcome, options.onError));
  };
  processor.onaudioprocess = (event) => {
    const input = event.inputBuffer.getChannelData(0);
    startedAt ??= Math.max(0, options.clock() - input.length / RATE);
    let offset = 0;
    while (offset < input.length) {
      const take = Math.min(buffer.length - filled, input.length - offset);
      buffer.set(input.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === buffer.length) {
        send(buffer, startedAt);
        startedAt += buffer.length / RATE;
        buffer = new Float32Array(RATE);
        filled = 0;
      }
    }
  };
  source.connect(processor);
  processor.connect(context.destination);
  return {
    async stop() {
      processor.disconnect();
      source.disconnect();
      if (filled > 0 && startedAt !== undefined) send(buffer.subarray(0, filled), startedAt);
      await queue;
      await context.close();
    },
  };
}
