/**
 * Texture evidence: rotation-invariant uniform LBP histograms (LBP^{riu2}_{8,R}: 10 bins, the counts of set
 * neighbours for the 9 uniform patterns plus one bin for every non-uniform one) at two scales (R = 1 and 2 pixels,
 * the 8 neighbours on the square of that radius), in six channels of two colour spaces: Y, Cb, Cr (YCbCr, BT.601)
 * and H, S, V (HSV). 6 x 2 x 10 = 120 values, each histogram summing to 1.
 *
 * Why colour as well as luminance: a print reproduces a face through a printer's gamut and halftone, which shows
 * in the chroma channels' micro-texture more than in Y (Boulkenafet et al., colour texture for face anti-spoofing).
 * Why riu2 rather than the 59-bin u2 histogram of the seed (768 = 59-bin based): 61 training sequences do not
 * support 700+ texture inputs; riu2 keeps the same uniform patterns, pooled over rotation.
 */

export const LBP_BINS = 10;
export const LBP_RADII = [1, 2] as const;
export const TEXTURE_CHANNELS = ['Y', 'Cb', 'Cr', 'H', 'S', 'V'] as const;
export const TEXTURE_DIM = TEXTURE_CHANNELS.length * LBP_RADII.length * LBP_BINS;

/** Six planes (Y, Cb, Cr, H, S, V; each 0..255) of an interleaved RGB 0..255 crop of size*size pixels. */
export function colourPlanes(rgb: Float32Array, size: number): Float32Array[] {
  const n = size * size;
  const planes = TEXTURE_CHANNELS.map(() => new Float32Array(n));
  const [Y, Cb, Cr, Hh, S, V] = planes as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    Y[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    Cb[i] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    Cr[i] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const d = max - min;
    let h = 0;
    if (d > 0) {
      if (max === r) h = ((g - b) / d + 6) % 6;
      else if (max === g) h = (b - r) / d + 2;
      else h = (r - g) / d + 4;
    }
    Hh[i] = (h / 6) * 255;
    S[i] = max > 0 ? (d / max) * 255 : 0;
    V[i] = max;
  }
  return planes;
}

/** 0..8 set neighbours for a uniform pattern (at most two 0/1 transitions around the circle), 9 otherwise. */
const RIU2 = (() => {
  const table = new Uint8Array(256);
  for (let code = 0; code < 256; code++) {
    let transitions = 0;
    let ones = 0;
    for (let b = 0; b < 8; b++) {
      const bit = (code >> b) & 1;
      ones += bit;
      if (bit !== ((code >> ((b + 1) % 8)) & 1)) transitions++;
    }
    table[code] = transitions <= 2 ? ones : 9;
  }
  return table;
})();

/**
 * The riu2 histogram (10 bins, sums to 1) of one plane at radius r, neighbours in circular order. With `inside`
 * (1 where the crop's pixel lies in the camera frame), only pixels whose whole neighbourhood is inside count: the
 * crop's fill beyond the frame's edge is flat, and counted it made the histogram depend on where the face sits in
 * the frame rather than on its surface (a real face near the edge of a 640x480 frame was called a print).
 */
export function lbpHistogram(plane: Float32Array, size: number, r: number, out: Float32Array, offset: number, inside?: Uint8Array): void {
  // Neighbours in circular order ((r, 0), (r, r), (0, r), (-r, r), ...), as offsets into the plane, held in locals:
  // read from an array inside the loop they made it about twice as slow.
  const down = r * size;
  const o0 = r;
  const o1 = down + r;
  const o2 = down;
  const o3 = down - r;
  const o4 = -r;
  const o5 = -down - r;
  const o6 = -down;
  const o7 = -down + r;
  const counts = new Float64Array(LBP_BINS);
  let total = 0;
  for (let y = r; y < size - r; y++) {
    for (let x = r, i = y * size + r; x < size - r; x++, i++) {
      // The neighbourhood's corners span it (the inside region is convex: a square crop cut by a rectangle).
      if (inside && !(inside[i + o5] && inside[i + o7] && inside[i + o3] && inside[i + o1])) continue;
      const c = plane[i]!;
      const code =
        (plane[i + o0]! >= c ? 1 : 0) | (plane[i + o1]! >= c ? 2 : 0) | (plane[i + o2]! >= c ? 4 : 0) | (plane[i + o3]! >= c ? 8 : 0) |
        (plane[i + o4]! >= c ? 16 : 0) | (plane[i + o5]! >= c ? 32 : 0) | (plane[i + o6]! >= c ? 64 : 0) | (plane[i + o7]! >= c ? 128 : 0);
      counts[RIU2[code]!]!++;
      total++;
    }
  }
  for (let b = 0; b < LBP_BINS; b++) out[offset + b] = total > 0 ? counts[b]! / total : 0;
}

/** The 120 texture values of an RGB crop (size square), written at out[offset..]; `inside` as lbpHistogram's. */
export function textureEvidence(rgb: Float32Array, size: number, out: Float32Array, offset: number, inside?: Uint8Array): void {
  const planes = colourPlanes(rgb, size);
  let o = offset;
  for (const plane of planes) {
    for (const r of LBP_RADII) {
      lbpHistogram(plane, size, r, out, o, inside);
      o += LBP_BINS;
    }
  }
}
