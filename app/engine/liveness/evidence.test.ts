import { describe, expect, it } from 'vitest';
import type { Point3 } from '../vision/face-mesh';
import { DEPTH_DIM, depthEvidence } from './depth';
import { EVIDENCE_DIM, EVIDENCE_PARTS } from './evidence';
import { FREQUENCY_DIM, MOIRE_DIM, TAPER, insideTaper, powerSpectrum, spectrumEvidence } from './spectrum';
import { LBP_BINS, TEXTURE_DIM, lbpHistogram, textureEvidence } from './texture';

describe('liveness evidence', () => {
  it('lays out 2 + 120 + 32 + 8 + 8 = 170 values', () => {
    expect(EVIDENCE_DIM).toBe(170);
    expect(EVIDENCE_PARTS.depth.offset + EVIDENCE_PARTS.depth.dim).toBe(EVIDENCE_DIM);
  });

  it('puts a flat plane in the all-neighbours-set LBP bin, and a checkerboard in the non-uniform bin', () => {
    const size = 16;
    const out = new Float32Array(LBP_BINS);
    lbpHistogram(new Float32Array(size * size).fill(7), size, 1, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    const board = Float32Array.from({ length: size * size }, (_, i) => ((i % size) + Math.floor(i / size)) % 2);
    lbpHistogram(board, size, 1, out, 0);
    // A dark square sees four brighter edge neighbours and four equal corners (>=): 8 set -> bin 8; a bright one
    // sees four darker edges and four equal corners: the alternating pattern 10101010, non-uniform -> bin 9.
    expect(out[8]! + out[9]!).toBeCloseTo(1, 6);
    expect(out[9]).toBeGreaterThan(0.4);
  });

  it('gives every texture histogram a sum of 1', () => {
    const size = 32;
    const rgb = Float32Array.from({ length: size * size * 3 }, (_, i) => (i * 37) % 251);
    const out = new Float32Array(TEXTURE_DIM);
    textureEvidence(rgb, size, out, 0);
    for (let h = 0; h < TEXTURE_DIM / LBP_BINS; h++) expect(out.slice(h * LBP_BINS, (h + 1) * LBP_BINS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('ignores whatever fills the crop beyond the frame: black, white or noise give the same texture and spectrum', () => {
    const size = 64;
    // The frame's edge cuts the crop's top 20 rows and left 12 columns.
    const inside = Uint8Array.from({ length: size * size }, (_, i) => (Math.floor(i / size) >= 20 && i % size >= 12 ? 1 : 0));
    const face = (i: number) => 120 + 50 * Math.sin(i * 0.37) + 30 * Math.cos(i * 0.011);
    const filled = (fill: (i: number) => number) => Float32Array.from({ length: size * size * 3 }, (_, k) => (inside[Math.floor(k / 3)] ? face(k) : fill(k)));
    const evidence = (rgb: Float32Array) => {
      const out = new Float32Array(TEXTURE_DIM + FREQUENCY_DIM + MOIRE_DIM);
      textureEvidence(rgb, size, out, 0, inside);
      const gray = Float32Array.from({ length: size * size }, (_, i) => 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!);
      spectrumEvidence(gray, size, out, TEXTURE_DIM, inside);
      return Array.from(out);
    };
    const black = evidence(filled(() => 0));
    expect(evidence(filled(() => 255))).toEqual(black);
    expect(evidence(filled((k) => (k * 7919) % 256))).toEqual(black);
    // Without the mask the fill is evidence: the spec above would fail.
    const unmasked = new Float32Array(TEXTURE_DIM);
    textureEvidence(filled(() => 0), size, unmasked, 0);
    expect(Math.max(...Array.from(unmasked, (v, i) => Math.abs(v - black[i]!)))).toBeGreaterThan(0.05);
  });

  it('puts a fine stripe pattern into the high rings of the radial profile and a coarse one into the low rings', () => {
    const size = 64;
    const stripes = (period: number) => Float32Array.from({ length: size * size }, (_, i) => 128 + 60 * Math.sin((2 * Math.PI * (i % size)) / period));
    const fine = new Float32Array(FREQUENCY_DIM + 8);
    const coarse = new Float32Array(FREQUENCY_DIM + 8);
    spectrumEvidence(stripes(3), size, fine, 0);
    spectrumEvidence(stripes(16), size, coarse, 0);
    const peak = (a: Float32Array) => Array.from(a.slice(0, FREQUENCY_DIM)).indexOf(Math.max(...a.slice(0, FREQUENCY_DIM)));
    expect(peak(fine)).toBeGreaterThan(15);
    expect(peak(coarse)).toBeLessThan(8);
  });

  it('sees no non-rigid motion in a rigidly moved mesh, and some in a deformed one', () => {
    const mesh: Point3[] = Array.from({ length: 468 }, (_, i) => [100 + (i % 20) * 5 + Math.sin(i) * 2, 80 + Math.floor(i / 20) * 6, Math.cos(i) * 10]);
    const turned = mesh.map(([x, y, z]) => [x * Math.cos(0.1) - y * Math.sin(0.1) + 12, x * Math.sin(0.1) + y * Math.cos(0.1) - 5, z] as Point3);
    const deformed = mesh.map(([x, y, z], i) => [x + (i % 3) * 2, y + Math.sin(i * 0.7) * 3, z] as Point3);
    const rigid = new Float32Array(DEPTH_DIM);
    const bent = new Float32Array(DEPTH_DIM);
    depthEvidence(turned, mesh, rigid, 0);
    depthEvidence(deformed, mesh, bent, 0);
    expect(rigid[3]).toBeLessThan(1e-4); // affine residual
    expect(rigid[4]).toBeLessThan(1e-4); // similarity residual
    expect(rigid[5]).toBeGreaterThan(0.01); // it did move
    expect(bent[3]).toBeGreaterThan(0.01);
    expect(rigid[7]).toBe(1);
    const first = new Float32Array(DEPTH_DIM);
    depthEvidence(mesh, null, first, 0);
    expect(Array.from(first.slice(3))).toEqual([0, 0, 0, 0, 0]);
  });
  describe('gives exactly the values of the plain per-pixel reading it is a faster form of', () => {
    // A pseudo-random grey crop and a frame edge cutting its top-left corner (as a face near the frame's corner).
    const size = 64;
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 255;
    const gray = Float32Array.from({ length: size * size }, random);
    const inside = Uint8Array.from({ length: size * size }, (_, i) => (Math.floor(i / size) >= 9 && i % size >= 5 ? 1 : 0));

    /** The spectrum's 40 values with a hypot and an atan2 per pixel and a comparator sort. */
    function referenceSpectrum(power: Float64Array): number[] {
      const half = size / 2;
      const ringSum = new Array<number>(FREQUENCY_DIM).fill(0);
      const ringCount = new Array<number>(FREQUENCY_DIM).fill(0);
      const bands = [0.25, 0.5, 0.75, 1].map((f) => f * half);
      const bandValues: number[][] = [[], [], []];
      const sectors = [0, 1, 2].map(() => new Array<number>(8).fill(0));
      let total = 0;
      let low = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const r = Math.hypot(x - half, y - half);
          if (r === 0 || r >= half) continue;
          const p = power[y * size + x]!;
          total += p;
          const ring = Math.min(FREQUENCY_DIM - 1, Math.floor((r / half) * FREQUENCY_DIM));
          ringSum[ring]! += p;
          ringCount[ring]!++;
          if (r < bands[0]!) low += p;
          for (let b = 0; b < 3; b++) {
            if (r < bands[b]! || r >= bands[b + 1]!) continue;
            bandValues[b]!.push(p);
            const angle = (Math.atan2(y - half, x - half) + Math.PI) % Math.PI;
            sectors[b]![Math.min(7, Math.floor((angle / Math.PI) * 8))]! += p;
          }
        }
      }
      const eps = 1e-9;
      const out = ringSum.map((s, i) => Math.log10((ringCount[i]! > 0 ? s / ringCount[i]! : 0) + eps) - Math.log10(total + eps));
      for (let b = 0; b < 3; b++) {
        const values = bandValues[b]!.sort((a, c) => a - c);
        out.push(Math.log10(values.at(-1)! + eps) - Math.log10(values[values.length >> 1]! + eps));
        const m = sectors[b]!.reduce((a, c) => a + c, 0) / 8;
        out.push(Math.sqrt(sectors[b]!.reduce((a, c) => a + (c - m) ** 2, 0) / 8) / m);
      }
      const high = bandValues[2]!;
      const highSum = high.reduce((a, c) => a + c, 0);
      out.push(Math.log10(highSum + eps) - Math.log10(low + eps));
      out.push(Math.exp(high.reduce((a, c) => a + Math.log(c + eps), 0) / high.length) / (highSum / high.length));
      return Array.from(Float32Array.from(out));
    }

    it('for the spectrum, with and without a frame edge in the crop', () => {
      const out = new Float32Array(FREQUENCY_DIM + MOIRE_DIM);
      spectrumEvidence(gray, size, out, 0);
      expect(Array.from(out)).toEqual(referenceSpectrum(powerSpectrum(gray, size)));
      spectrumEvidence(gray, size, out, 0, inside);
      expect(Array.from(out)).toEqual(referenceSpectrum(powerSpectrum(gray, size, insideTaper(inside, size))));
    });

    it('for the taper: 0 outside, a raised cosine of the chamfer distance, 1 from TAPER pixels in', () => {
      const taper = insideTaper(inside, size);
      // Below and right of the corner the nearest outside pixel is straight up or left: the distance is exact.
      const at = (x: number, y: number) => taper[y * size + x]!;
      expect(at(2, 2)).toBe(0);
      expect(at(40, 9)).toBe(Math.fround(0.5 - 0.5 * Math.cos(Math.PI / TAPER)));
      expect(at(5 + 3, 40)).toBe(Math.fround(0.5 - 0.5 * Math.cos((Math.PI * 4) / TAPER)));
      expect(at(40, 9 + TAPER)).toBe(1);
    });

    it('for the LBP histogram, neighbour by neighbour, with and without a frame edge', () => {
      for (const r of [1, 2]) {
        for (const mask of [undefined, inside]) {
          const counts = new Array<number>(LBP_BINS).fill(0);
          const around = [[r, 0], [r, r], [0, r], [-r, r], [-r, 0], [-r, -r], [0, -r], [r, -r]] as const;
          for (let y = r; y < size - r; y++) {
            for (let x = r; x < size - r; x++) {
              if (mask && around.some(([dx, dy]) => !mask[(y + dy) * size + x + dx])) continue;
              const bits = around.map(([dx, dy]) => (gray[(y + dy) * size + x + dx]! >= gray[y * size + x]! ? 1 : 0));
              const transitions = bits.filter((b, k) => b !== bits[(k + 1) % 8]).length;
              counts[transitions <= 2 ? bits.filter((b) => b).length : 9]!++;
            }
          }
          const total = counts.reduce((a, c) => a + c, 0);
          const out = new Float32Array(LBP_BINS);
          lbpHistogram(gray, size, r, out, 0, mask);
          expect(Array.from(out)).toEqual(Array.from(Float32Array.from(counts, (c) => c / total)));
        }
      }
    });
  });
});
