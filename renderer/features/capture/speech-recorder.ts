/**
 * A few seconds of the microphone the app already opened, as 16 kHz mono samples (the candidate reading a
 * sentence for the voice enrolment). Same capture path as audio-sender.ts: a 16 kHz AudioContext resamples,
 * a ScriptProcessor hands over the samples and outputs silence.
 */
const RATE = 16_000;

export interface SpeechRecording {
  /** Resolves with what was heard when `maxSec` have passed or stop() was called. */
  readonly done: Promise<Float32Array>;
  /** Ends the recording early (the candidate has finished reading). */
  stop(): void;
}

export function recordSpeech(stream: MediaStream, maxSec: number): SpeechRecording | undefined {
  const track = stream.getAudioTracks()[0];
  if (!track || track.readyState !== 'live') return undefined;
  const context = new AudioContext({ sampleRate: RATE });
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const processor = context.createScriptProcessor(4096, 1, 1);
  const samples = new Float32Array(Math.round(maxSec * RATE));
  let filled = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<Float32Array>((resolve) => {
    let finished = false;
    finish = () => {
      if (finished) return;
      finished = true;
      processor.disconnect();
      source.disconnect();
      void context.close();
      resolve(samples.slice(0, filled));
    };
  });
  processor.onaudioprocess = (event) => {
    const input = event.inputBuffer.getChannelData(0);
    const take = Math.min(input.length, samples.length - filled);
    samples.set(input.subarray(0, take), filled);
    filled += take;
    if (filled === samples.length) finish();
  };
  source.connect(processor);
  processor.connect(context.destination);
  // Ends even if the audio clock never runs (a suspended context), with whatever arrived.
  const timer = setTimeout(() => finish(), (maxSec + 2) * 1000);
  void done.then(() => clearTimeout(timer));
  return { done, stop: () => finish() };
}
