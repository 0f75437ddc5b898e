/**
 * MFCC frames (mel-frequency cepstral coefficients), the classic short-term description of a voice's timbre
 * that speaker analysis is built on. fft.js does the FFT; the mel filterbank and DCT-II are the textbook ones
 * (Davis & Mermelstein 1980; HTK-style mel scale). meyda computes the same features but measured 177 us per
 * frame here, too slow for the realtime-factor target, so we keep this small and allocation-free.
 */
import FFT from 'fft.js';
import { SAMPLE_RATE } from './pcm';

export interface MfccOptions {
  readonly frameSize: number;
  readonly hop: number;
  readonly melBands: number;
  readonly coefficients: number;
  readonly lowHz: number;
  readonly highHz: number;
}

export const DEFAULT_MFCC: MfccOptions = { frameSize: 512, hop: 256, melBands: 40, coefficients: 20, lowHz: 60, highHz: 7600 };

const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const hzOf = (m: number) => 700 * (10 ** (m / 2595) - 1);

export class MfccExtractor {
  readonly options: MfccOptions;
  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly spectrum: number[];
  private readonly power: Float64Array;
  private readonly melEnergy: Float64Array;
  /** Triangular filters as [firstBin, weights] pairs: sparse, since each covers a few bins. */
  private readonly filters: { first: number; weights: Float64Array }[];
  private readonly dct: Float64Array;

  constructor(options: MfccOptions = DEFAULT_MFCC) {
    this.options = options;
    const n = options.frameSize;
    this.fft = new FFT(n);
    this.window = Float64Array.from({ length: n }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1)));
    this.frame = new Float64Array(n);
    this.spectrum = this.fft.createComplexArray() as number[];
    this.power = new Float64Array(n / 2 + 1);
    this.melEnergy = new Float64Array(options.melBands);
    const edges = Array.from({ length: options.melBands + 2 }, (_, i) => hzOf(mel(options.lowHz) + ((mel(options.highHz) - mel(options.lowHz)) * i) / (options.melBands + 1)));
    const binHz = SAMPLE_RATE / n;
    this.filters = [];
    for (let b = 0; b < options.melBands; b++) {
      const [lo, mid, hi] = [edges[b]!, edges[b + 1]!, edges[b + 2]!];
      const first = Math.ceil(lo / binHz);
      const last = Math.floor(hi / binHz);
      const weights = new Float64Array(Math.max(0, last - first + 1));
      for (let k = first; k <= last; k++) {
        const f = k * binHz;
        weights[k - first] = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
      }
      this.filters.push({ first, weights });
    }
    this.dct = new Float64Array(options.coefficients * options.melBands);
    for (let c = 0; c < options.coefficients; c++) {
      for (let b = 0; b < options.melBands; b++) this.dct[c * options.melBands + b] = Math.cos((Math.PI * c * (b + 0.5)) / options.melBands) * Math.sqrt(2 / options.melBands);
    }
  }

  /** Number of whole frames in `length` samples. */
  frameCount(length: number): number {
    return length < this.options.frameSize ? 0 : 1 + Math.floor((length - this.options.frameSize) / this.options.hop);
  }

  /** MFCCs of the frame starting at `offset`, written into `out` (length = coefficients); c0 is log energy. */
  compute(samples: Float32Array, offset: number, out: Float64Array): void {
    const { frameSize: n, melBands, coefficients } = this.options;
    let prev = offset > 0 ? samples[offset - 1]! : 0;
    for (let i = 0; i < n; i++) {
      const x = samples[offset + i] ?? 0;
      // Pre-emphasis flattens the spectral tilt of voiced speech so the upper bands count.
      this.frame[i] = (x - 0.97 * prev) * this.window[i]!;
      prev = x;
    }
    this.fft.realTransform(this.spectrum, this.frame as unknown as number[]);
    for (let k = 0; k <= n / 2; k++) {
      const re = this.spectrum[2 * k]!;
      const im = this.spectrum[2 * k + 1]!;
      this.power[k] = re * re + im * im;
    }
    for (let b = 0; b < melBands; b++) {
      const { first, weights } = this.filters[b]!;
      let e = 0;
      for (let j = 0; j < weights.length; j++) e += weights[j]! * this.power[first + j]!;
      this.melEnergy[b] = Math.log(e + 1e-10);
    }
    for (let c = 0; c < coefficients; c++) {
      let s = 0;
      const row = c * melBands;
      for (let b = 0; b < melBands; b++) s += this.dct[row + b]! * this.melEnergy[b]!;
      out[c] = s;
    }
  }
}
