/**
 * Fundamental frequency (F0) of a frame by normalised autocorrelation, the simplest well-understood pitch
 * estimator (Rabiner 1977): the lag with the strongest self-similarity between 70 and 400 Hz, voiced when
 * that similarity is high. F0 separates voices that MFCCs blur, notably a man's and a woman's.
 */
import { SAMPLE_RATE } from './pcm';

const MIN_LAG = Math.floor(SAMPLE_RATE / 400);
const MAX_LAG = Math.ceil(SAMPLE_RATE / 70);

/** F0 in Hz of `size` samples from `offset`, or null when the frame is not clearly voiced. */
export function pitchHz(samples: Float32Array, offset: number, size: number, voicedThreshold = 0.6): number | null {
  const n = Math.min(size, samples.length - offset) - MAX_LAG;
  if (n < MIN_LAG * 2) return null;
  let e0 = 0;
  for (let i = 0; i < n; i++) e0 += samples[offset + i]! ** 2;
  if (e0 < 1e-6) return null;
  let bestLag = 0;
  let best = 0;
  for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) {
    let r = 0;
    let el = 0;
    for (let i = 0; i < n; i++) {
      const a = samples[offset + i + lag]!;
      r += samples[offset + i]! * a;
      el += a * a;
    }
    const score = r / Math.sqrt(e0 * el + 1e-12);
    if (score > best) {
      best = score;
      bestLag = lag;
    }
  }
  return best >= voicedThreshold && bestLag > 0 ? SAMPLE_RATE / bestLag : null;
}
