/**
 * Crops of an RGB frame into model input tensors (float32, NHWC), by bilinear sampling through a rotated box.
 * One sampler serves every model: detector letterbox, face crop (rotated upright), eye crops, attribute crops.
 */
import type { RgbFrame } from '../media/frames';

/** A rotated box in frame pixels: centre, size, and the angle (radians) the box is turned by in the image. */
export interface Crop {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
  /** Mirror horizontally (the iris model expects one eye orientation). */
  flip?: boolean;
}

/** Per-channel affine normalisation applied to 0..255 values: out = v * scale + offset. */
export interface Normalise {
  scale: number;
  offset: number;
}

export const TO_UNIT: Normalise = { scale: 1 / 255, offset: 0 };
export const TO_SIGNED: Normalise = { scale: 1 / 127.5, offset: -1 };
export const RAW: Normalise = { scale: 1, offset: 0 };

type Pixels = Pick<RgbFrame, 'width' | 'height' | 'data'>;

/** Samples `crop` into an outW x outH x 3 tensor written at `out[offset..]`; pixels outside the frame are black. */
export function cropToTensor(frame: Pixels, crop: Crop, outW: number, outH: number, norm: Normalise, out = new Float32Array(outW * outH * 3), offset = 0): Float32Array {
  const { width, height, data } = frame;
  const cos = Math.cos(crop.angle);
  const sin = Math.sin(crop.angle);
  const sx = crop.w / outW;
  const sy = crop.h / outH;
  const mirror = crop.flip ? -1 : 1;
  // The sampling position moves by a fixed step along a row: (du * cos, du * sin).
  const du = sx * mirror;
  const stepX = du * cos;
  const stepY = du * sin;
  const u0 = (0.5 * sx - crop.w / 2) * mirror;
  const { scale, offset: shift } = norm;
  const stride = width * 3;
  const lastX = width - 1;
  const lastY = height - 1;
  let o = offset;
  const span = outW - 1;
  for (let j = 0; j < outH; j++) {
    const v = (j + 0.5) * sy - crop.h / 2;
    let x = crop.cx + u0 * cos - v * sin - 0.5;
    let y = crop.cy + u0 * sin + v * cos - 0.5;
    // A row whose two ends are inside the frame (with a margin for the running sum's rounding) has every sample
    // inside: no border checks or clamps per pixel, same arithmetic, so the same values, about twice as fast.
    const xEnd = x + span * stepX;
    const yEnd = y + span * stepY;
    if (Math.min(x, xEnd) > 1e-3 && Math.min(y, yEnd) > 1e-3 && Math.max(x, xEnd) < lastX - 1e-3 && Math.max(y, yEnd) < lastY - 1e-3) {
      interiorRow(data, stride, x, y, stepX, stepY, outW, out, o, scale, shift);
      o += outW * 3;
      continue;
    }
    for (let i = 0; i < outW; i++, x += stepX, y += stepY, o += 3) {
      // Math.floor, written out: x and y are at least -1 here, where truncation and floor agree after the shift.
      if (x < -1 || y < -1) {
        out[o] = out[o + 1] = out[o + 2] = shift;
        continue;
      }
      const x0 = ((x + 1) | 0) - 1;
      const y0 = ((y + 1) | 0) - 1;
      if (x0 >= width || y0 >= height) {
        out[o] = out[o + 1] = out[o + 2] = shift;
        continue;
      }
      const fx = x - x0;
      const fy = y - y0;
      // Edge pixels clamp to the border, as TensorFlow's crop-and-resize does.
      const xa = x0 < 0 ? 0 : x0;
      const xb = x0 + 1 > lastX ? lastX : x0 + 1;
      const ra = (y0 < 0 ? 0 : y0) * stride;
      const rb = (y0 + 1 > lastY ? lastY : y0 + 1) * stride;
      blend(data, ra + xa * 3, ra + xb * 3, rb + xa * 3, rb + xb * 3, fx, fy, out, o, scale, shift);
    }
  }
  return out;
}

/** One row of cropToTensor's samples, all known to be inside the frame (x in [0, width - 1), y in [0, height - 1)). */
function interiorRow(data: Uint8Array, stride: number, x: number, y: number, stepX: number, stepY: number, count: number, out: Float32Array, o: number, scale: number, shift: number): void {
  for (let i = 0; i < count; i++, x += stepX, y += stepY, o += 3) {
    const x0 = x | 0;
    const y0 = y | 0;
    const fx = x - x0;
    const fy = y - y0;
    const p00 = y0 * stride + x0 * 3;
    blend(data, p00, p00 + 3, p00 + stride, p00 + stride + 3, fx, fy, out, o, scale, shift);
  }
}

/** The bilinear blend of four pixels (each channel), normalised, into out[o..o + 2]. */
function blend(data: Uint8Array, p00: number, p10: number, p01: number, p11: number, fx: number, fy: number, out: Float32Array, o: number, scale: number, shift: number): void {
  // The four weights once (normalisation folded in), then a weighted sum per channel, written out: 25 % faster than
  // interpolating each channel along x and then y (same values to float32 precision), and a loop over the three
  // channels made the whole sampler 20 % slower.
  const gx = 1 - fx;
  const gy = 1 - fy;
  const w00 = gx * gy * scale;
  const w10 = fx * gy * scale;
  const w01 = gx * fy * scale;
  const w11 = fx * fy * scale;
  out[o] = data[p00]! * w00 + data[p10]! * w10 + data[p01]! * w01 + data[p11]! * w11 + shift;
  out[o + 1] = data[p00 + 1]! * w00 + data[p10 + 1]! * w10 + data[p01 + 1]! * w01 + data[p11 + 1]! * w11 + shift;
  out[o + 2] = data[p00 + 2]! * w00 + data[p10 + 2]! * w10 + data[p01 + 2]! * w01 + data[p11 + 2]! * w11 + shift;
}

/** Maps a point in crop pixels (0..outW, 0..outH) back to frame pixels: the inverse of cropToTensor's sampling. */
export function cropPointToFrame(crop: Crop, outW: number, outH: number, px: number, py: number): [number, number] {
  const uu = (px / outW - 0.5) * crop.w;
  const u = crop.flip ? -uu : uu;
  const v = (py / outH - 0.5) * crop.h;
  const cos = Math.cos(crop.angle);
  const sin = Math.sin(crop.angle);
  return [crop.cx + u * cos - v * sin, crop.cy + u * sin + v * cos];
}

/** The square that holds the whole frame (letterboxed), for the detector. */
export function letterbox(frame: Pixels): Crop {
  const side = Math.max(frame.width, frame.height);
  return { cx: frame.width / 2, cy: frame.height / 2, w: side, h: side, angle: 0 };
}

/**
 * Interleaved RGB (`count` pixels, as cropToTensor writes them) to three BGR planes (NCHW), each normalised as
 * `(v - mean) / std` with the plane's own constants, as NanoDet and the text detector were trained. The planes are
 * written out and the constants hoisted: the same arithmetic as a loop over the channels, so the same values, in
 * half the time (NanoDet's 416x416: 2.2 -> 1.0 ms CPU on the main thread that bounds `vigil analyze`).
 */
export function bgrPlanes(rgb: Float32Array, count: number, mean: readonly [number, number, number], std: readonly [number, number, number]): Float32Array {
  const out = new Float32Array(3 * count);
  const [mb, mg, mr] = mean;
  const [sb, sg, sr] = std;
  for (let i = 0, p = 0; i < count; i++, p += 3) {
    out[i] = (rgb[p + 2]! - mb) / sb;
    out[count + i] = (rgb[p + 1]! - mg) / sg;
    out[2 * count + i] = (rgb[p]! - mr) / sr;
  }
  return out;
}

/** Mean of R, G, B weighted to luma (BT.601), 0..255 in, for grayscale models. */
export function toGray(rgb: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = 0.2989 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  return out;
}
