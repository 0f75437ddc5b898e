/** The audio format every part of audio/ works in: 16 kHz mono float samples in [-1, 1], time in seconds. */
export const SAMPLE_RATE = 16_000;

export const secondsOf = (samples: number): number => samples / SAMPLE_RATE;
export const samplesOf = (seconds: number): number => Math.round(seconds * SAMPLE_RATE);

/** Root-mean-square level in dBFS (-Infinity for digital silence). */
export function rmsDb(samples: Float32Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
  const n = Math.max(1, end - start);
  return 10 * Math.log10(sum / n);
}
