/**
 * Frequency and moire evidence from the 2-D power spectrum of the grey face crop (Hann-windowed, mean removed).
 *
 * - Frequency (32 values): the radial profile, log10 of the mean power in 32 rings of width size/64 from the
 *   centre out to the Nyquist radius, minus log10 of the total power, so it describes the spectrum's shape and not
 *   the crop's contrast. A print loses high frequencies (printer and re-capture blur) and adds halftone energy.
 *   The seed's 785 were a flattened spectrum; a 1-D radial profile keeps what does not depend on the face's
 *   position and turn, with 61 training sequences to learn from.
 * - Moire (8 values): re-photographed prints and screens show narrow peaks in the mid and high bands. For three
 *   bands (1/4-1/2, 1/2-3/4, 3/4-1 of Nyquist): log10 of peak over median power (a spike) and the angular
 *   unevenness (std / mean of the power in 8 direction sectors); then the log ratio of high-band to low-band
 *   power and the high band's spectral flatness (geometric / arithmetic mean).
 *
 * Where the crop reaches past the camera frame's edge (a face close to the camera, or near the frame's border),
 * the fill there is flat and its edge a straight line: a spectrum with that edge in it has strong axis-aligned
 * streaks and depends on where the face sits in the frame. The window then fades to zero over TAPER pixels before
 * that edge, so only the face's own pixels are transformed.
 */
import FFT from 'fft.js';

export const FREQUENCY_DIM = 32;
export const MOIRE_DIM = 8;

const ffts = new Map<number, FFT>();
const fftOf = (n: number) => {
  let f = ffts.get(n);
  if (!f) ffts.set(n, (f = new FFT(n)));
  return f;
};

/** Pixels over which the window fades out before the frame's edge. */
export const TAPER = 8;

/**
 * A weight per pixel (size x size) rising from 0 at the pixels outside the frame to 1 at TAPER pixels from them
 * (raised cosine of the chamfer distance); 1 everywhere when every pixel is inside.
 */
export function insideTaper(inside: Uint8Array, size: number): Float32Array {
  const far = 1e9;
  const n = size * size;
  // Plain loops over typed arrays (Float32Array.from with a map function and .map took 5x as long): the same values.
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = inside[i] ? far : 0;
  const diag = Math.SQRT2;
  // Two chamfer passes (3x3, weights 1 and sqrt 2): forward from the top left, backward from the bottom right.
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (x > 0) d[i] = Math.min(d[i]!, d[i - 1]! + 1);
      if (y > 0) {
        d[i] = Math.min(d[i]!, d[i - size]! + 1);
        if (x > 0) d[i] = Math.min(d[i]!, d[i - size - 1]! + diag);
        if (x < size - 1) d[i] = Math.min(d[i]!, d[i - size + 1]! + diag);
      }
    }
  }
  for (let y = size - 1; y >= 0; y--) {
    for (let x = size - 1; x >= 0; x--) {
      const i = y * size + x;
      if (x < size - 1) d[i] = Math.min(d[i]!, d[i + 1]! + 1);
      if (y < size - 1) {
        d[i] = Math.min(d[i]!, d[i + size]! + 1);
        if (x < size - 1) d[i] = Math.min(d[i]!, d[i + size + 1]! + diag);
        if (x > 0) d[i] = Math.min(d[i]!, d[i + size - 1]! + diag);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    d[i] = v >= TAPER ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * v) / TAPER);
  }
  return d;
}

/**
 * Power spectrum (size x size, DC at the centre) of a grey plane; size a power of two. `weight` (per pixel, 0..1)
 * multiplies the Hann window; the mean removed is the windowed mean, so a region of weight 0 adds no edge.
 */
export function powerSpectrum(gray: Float32Array, size: number, weight?: Float32Array): Float64Array {
  const fft = fftOf(size);
  const hann = Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)));
  let mean = 0;
  if (weight) {
    let sum = 0;
    for (let i = 0; i < gray.length; i++) {
      const w = weight[i]! * hann[i % size]! * hann[Math.floor(i / size)]!;
      mean += gray[i]! * w;
      sum += w;
    }
    mean = sum > 0 ? mean / sum : 0;
  } else {
    for (let i = 0; i < gray.length; i++) mean += gray[i]!;
    mean /= gray.length;
  }
  // Rows, then columns, as complex transforms: re/im interleaved.
  const re = new Float64Array(size * size);
  const im = new Float64Array(size * size);
  const input = fft.createComplexArray() as number[];
  const output = fft.createComplexArray() as number[];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      input[2 * x] = (gray[y * size + x]! - mean) * hann[x]! * hann[y]! * (weight ? weight[y * size + x]! : 1);
      input[2 * x + 1] = 0;
    }
    fft.transform(output, input);
    for (let x = 0; x < size; x++) {
      re[y * size + x] = output[2 * x]!;
      im[y * size + x] = output[2 * x + 1]!;
    }
  }
  const power = new Float64Array(size * size);
  const half = size / 2;
  for (let x = 0; x < size; x++) {
    for (let y = 0; y < size; y++) {
      input[2 * y] = re[y * size + x]!;
      input[2 * y + 1] = im[y * size + x]!;
    }
    fft.transform(output, input);
    for (let y = 0; y < size; y++) {
      const p = output[2 * y]! ** 2 + output[2 * y + 1]! ** 2;
      // Shift so that frequency 0 sits at (half, half).
      power[((y + half) % size) * size + ((x + half) % size)] = p;
    }
  }
  return power;
}

const EPS = 1e-9;

/**
 * Where each pixel of a size x size spectrum (DC at the centre) falls: its ring (-1 for DC and beyond the inscribed
 * disc), whether it is in the low band, its band of the three (-1 for none) and its direction sector there. It depends
 * on the size alone, so it is computed once per size rather than with a hypot and an atan2 per pixel and crop.
 */
interface SpectrumGeometry {
  ring: Int8Array;
  low: Uint8Array;
  band: Int8Array;
  sector: Int8Array;
  bandCounts: [number, number, number];
}

const geometries = new Map<number, SpectrumGeometry>();
function spectrumGeometry(size: number): SpectrumGeometry {
  const known = geometries.get(size);
  if (known) return known;
  const n = size * size;
  const half = size / 2;
  const bands = [0.25, 0.5, 0.75, 1].map((f) => f * half);
  const g: SpectrumGeometry = { ring: new Int8Array(n).fill(-1), low: new Uint8Array(n), band: new Int8Array(n).fill(-1), sector: new Int8Array(n), bandCounts: [0, 0, 0] };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const dx = x - half;
      const dy = y - half;
      const r = Math.hypot(dx, dy);
      if (r === 0 || r >= half) continue;
      g.ring[i] = Math.min(FREQUENCY_DIM - 1, Math.floor((r / half) * FREQUENCY_DIM));
      if (r < bands[0]!) g.low[i] = 1;
      for (let b = 0; b < 3; b++) {
        if (r >= bands[b]! && r < bands[b + 1]!) {
          g.band[i] = b;
          g.bandCounts[b]!++;
          // Directions modulo 180 degrees: the spectrum of a real image is point-symmetric.
          const angle = (Math.atan2(dy, dx) + Math.PI) % Math.PI;
          g.sector[i] = Math.min(7, Math.floor((angle / Math.PI) * 8));
        }
      }
    }
  }
  geometries.set(size, g);
  return g;
}

/**
 * The 32 frequency then 8 moire values of a grey crop, written at out[offset..]. `inside`: 1 where the crop's
 * pixel lies in the camera frame (all inside when absent).
 */
export function spectrumEvidence(gray: Float32Array, size: number, out: Float32Array, offset: number, inside?: Uint8Array): void {
  const power = powerSpectrum(gray, size, inside && inside.includes(0) ? insideTaper(inside, size) : undefined);
  const g = spectrumGeometry(size);
  const ringSum = new Float64Array(FREQUENCY_DIM);
  const ringCount = new Float64Array(FREQUENCY_DIM);
  // Typed arrays sorted numerically: the same order as a comparator sort of the same (non-negative) values.
  const bandValues = g.bandCounts.map((count) => new Float64Array(count));
  const filled = [0, 0, 0];
  const sectors = [0, 1, 2].map(() => new Float64Array(8));
  let total = 0;
  let low = 0;
  // Pixels in the same order as a row-by-row scan, so every sum adds in the same order.
  for (let i = 0; i < power.length; i++) {
    const ring = g.ring[i]!;
    if (ring < 0) continue;
    const p = power[i]!;
    total += p;
    ringSum[ring]! += p;
    ringCount[ring]!++;
    if (g.low[i]) low += p;
    const b = g.band[i]!;
    if (b >= 0) {
      bandValues[b]![filled[b]!++] = p;
      sectors[b]![g.sector[i]!]! += p;
    }
  }
  const logTotal = Math.log10(total + EPS);
  for (let i = 0; i < FREQUENCY_DIM; i++) out[offset + i] = Math.log10((ringCount[i]! > 0 ? ringSum[i]! / ringCount[i]! : 0) + EPS) - logTotal;
  let o = offset + FREQUENCY_DIM;
  for (let b = 0; b < 3; b++) {
    const values = bandValues[b]!.sort();
    const median = values[values.length >> 1] ?? 0;
    out[o++] = Math.log10((values.at(-1) ?? 0) + EPS) - Math.log10(median + EPS);
    const s = Array.from(sectors[b]!);
    const m = s.reduce((a, c) => a + c, 0) / 8;
    out[o++] = m > 0 ? Math.sqrt(s.reduce((a, c) => a + (c - m) ** 2, 0) / 8) / m : 0;
  }
  const high = bandValues[2]!;
  const highSum = high.reduce((a, c) => a + c, 0);
  out[o++] = Math.log10(highSum + EPS) - Math.log10(low + EPS);
  const geo = high.length ? Math.exp(high.reduce((a, c) => a + Math.log(c + EPS), 0) / high.length) : 0;
  out[o++] = high.length && highSum > 0 ? geo / (highSum / high.length) : 0;
}
