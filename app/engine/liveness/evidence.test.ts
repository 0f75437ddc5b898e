import { describe, expect, it } from 'vitest';
import type { Point3 } from '../vision/face-mesh';
import { DEPTH_DIM, depthEvidence } from './depth';
import { EVIDENCE_DIM, EVIDENCE_PARTS } from './evidence';
import { FREQUENCY_DIM, MOIRE_DIM, spectrumEvidence } from './spectrum';
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
});
