/**
 * The seed's training augmentations, on whole RGB frames before the face is found (as a worse camera would
 * deliver them): motion blur 5-15 px along a random direction, Gaussian blur with a 3-7 px kernel, JPEG at quality
 * 30-80 (jpeg-js), and 2x down- then up-scaling. Frame dropping is done on the evidence sequence (windows.ts).
 * Beyond the seed, `cameraLook`: one webcam's colour balance, exposure and sensor noise over a whole sequence copy.
 * NUAA's live faces come from one clean, grey-balanced camera; a home webcam (spoof-replay's real.webm: green cast,
 * backlit, noisy) was called a print with confidence (live score 0.069), and neutralising the LBP texture part
 * alone made it 0.968: the colour texture had learnt NUAA's camera, not liveness. Both classes get the same looks.
 */
import jpeg from 'jpeg-js';
import type { RgbFrame } from '../media/frames';

/** A seeded uniform 0..1 stream (seedrandom). */
export type Rng = () => number;
type Pixels = Pick<RgbFrame, 'width' | 'height' | 'data'>;

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** Convolution with a list of (dx, dy, weight) taps, edges clamped (the clamping only near the border). */
function convolve(f: Pixels, taps: readonly [number, number, number][]): Uint8Array {
  const { width: w, height: h, data } = f;
  const out = new Uint8Array(data.length);
  const n = taps.length;
  const tx = Int32Array.from(taps, (t) => t[0]);
  const ty = Int32Array.from(taps, (t) => t[1]);
  const tw = Float64Array.from(taps, (t) => t[2]);
  const offsets = Int32Array.from(taps, (t) => (t[1] * w + t[0]) * 3);
  const margin = Math.max(0, ...taps.map((t) => Math.max(Math.abs(t[0]), Math.abs(t[1]))));
  for (let y = 0; y < h; y++) {
    const inner = y >= margin && y < h - margin;
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0;
      const o = (y * w + x) * 3;
      if (inner && x >= margin && x < w - margin) {
        for (let k = 0; k < n; k++) {
          const i = o + offsets[k]!;
          const wt = tw[k]!;
          r += data[i]! * wt; g += data[i + 1]! * wt; b += data[i + 2]! * wt;
        }
      } else {
        for (let k = 0; k < n; k++) {
          const sx = Math.min(w - 1, Math.max(0, x + tx[k]!));
          const sy = Math.min(h - 1, Math.max(0, y + ty[k]!));
          const i = (sy * w + sx) * 3;
          const wt = tw[k]!;
          r += data[i]! * wt; g += data[i + 1]! * wt; b += data[i + 2]! * wt;
        }
      }
      out[o] = r; out[o + 1] = g; out[o + 2] = b;
    }
  }
  return out;
}

export function motionBlur(f: Pixels, length: number, angle: number): Uint8Array {
  const taps: [number, number, number][] = [];
  for (let i = 0; i < length; i++) {
    const d = i - (length - 1) / 2;
    taps.push([Math.round(d * Math.cos(angle)), Math.round(d * Math.sin(angle)), 1 / length]);
  }
  return convolve(f, taps);
}

/** OpenCV's sigma for a kernel size when none is given. */
export function gaussianBlur(f: Pixels, kernel: number): Uint8Array {
  const sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8;
  const half = (kernel - 1) / 2;
  const weights = Array.from({ length: kernel }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const horizontal = convolve(f, weights.map((w, i) => [i - half, 0, w / sum] as [number, number, number]));
  return convolve({ ...f, data: horizontal }, weights.map((w, i) => [0, i - half, w / sum] as [number, number, number]));
}

export function jpegRoundTrip(f: Pixels, quality: number): Uint8Array {
  const rgba = Buffer.alloc(f.width * f.height * 4);
  for (let i = 0, j = 0; i < f.data.length; i += 3, j += 4) {
    rgba[j] = f.data[i]!; rgba[j + 1] = f.data[i + 1]!; rgba[j + 2] = f.data[i + 2]!; rgba[j + 3] = 255;
  }
  const encoded = jpeg.encode({ data: rgba, width: f.width, height: f.height }, quality);
  return rgbaToRgb(jpeg.decode(encoded.data, { useTArray: true }).data);
}

export function rgbaToRgb(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; j < rgba.length; i += 3, j += 4) {
    out[i] = rgba[j]!; out[i + 1] = rgba[j + 1]!; out[i + 2] = rgba[j + 2]!;
  }
  return out;
}

/** Half size by 2x2 averaging, then back up by pixel replication and a 3-tap smoothing (a cheap bilinear). */
export function downUp(f: Pixels): Uint8Array {
  const { width: w, height: h, data } = f;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const x0 = x & ~1, y0 = y & ~1;
      const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
      for (let c = 0; c < 3; c++) {
        out[(y * w + x) * 3 + c] = (data[(y0 * w + x0) * 3 + c]! + data[(y0 * w + x1) * 3 + c]! + data[(y1 * w + x0) * 3 + c]! + data[(y1 * w + x1) * 3 + c]!) / 4;
      }
    }
  }
  return convolve({ ...f, data: out }, [[-1, 0, 0.25], [0, 0, 0.5], [1, 0, 0.25]]);
}

export type Augmentation = 'motion_blur' | 'gaussian_blur' | 'jpeg' | 'down_up';

/** Each augmentation with probability 0.5 (at least one), with the seed's ranges; returns the new pixels. */
export function augmentFrame<F extends Pixels>(frame: F, rng: Rng): { frame: F; applied: Augmentation[] } {
  const applied: Augmentation[] = [];
  const pick = (['motion_blur', 'gaussian_blur', 'jpeg', 'down_up'] as const).filter(() => rng() < 0.5);
  if (pick.length === 0) pick.push((['motion_blur', 'gaussian_blur', 'jpeg', 'down_up'] as const)[int(rng, 0, 3)]!);
  let data = frame.data;
  for (const a of pick) {
    const f = { ...frame, data };
    if (a === 'motion_blur') data = motionBlur(f, int(rng, 5, 15), rng() * Math.PI);
    else if (a === 'gaussian_blur') data = gaussianBlur(f, [3, 5, 7][int(rng, 0, 2)]!);
    else if (a === 'down_up') data = downUp(f);
    else data = jpegRoundTrip(f, int(rng, 30, 80));
    applied.push(a);
  }
  return { frame: { ...frame, data }, applied };
}

/**
 * One camera's look, drawn once per sequence copy and applied to each of its frames: channel gains 0.8-1.2 (white
 * balance), gamma 0.7-1.4 (exposure), and fresh Gaussian sensor noise with sigma 0-6 on every frame.
 */
export function cameraLook(rng: Rng): <F extends Pixels>(frame: F) => F {
  const gains = [0.8 + 0.4 * rng(), 0.8 + 0.4 * rng(), 0.8 + 0.4 * rng()];
  const gamma = 0.7 + 0.7 * rng();
  const sigma = 6 * rng();
  const lut = gains.map((g) => Uint8Array.from({ length: 256 }, (_, v) => Math.min(255, Math.round(255 * (Math.min(1, (v * g) / 255)) ** gamma))));
  return (frame) => {
    const data = new Uint8Array(frame.data.length);
    for (let i = 0; i < data.length; i++) {
      const noise = sigma > 0 ? sigma * Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng()) : 0;
      data[i] = Math.max(0, Math.min(255, Math.round(lut[i % 3]![frame.data[i]!]! + noise)));
    }
    return { ...frame, data };
  };
}
