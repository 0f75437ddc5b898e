/**
 * A camera frame on the wire: a fixed 40-byte header, then the pixels as the camera delivered them. Both shells
 * carry these bytes unchanged (a binary WebSocket message, a transferred ArrayBuffer on Electron's MessagePort),
 * and the engine decodes and checks them here, in one place, whoever sent them. Pure: no Node or DOM API, so the
 * renderer encodes with the same code (re-exported by app/ipc/contract.ts).
 *
 * Layout, little-endian:
 *   0  'VGF1'           magic and version
 *   4  u8  format       FRAME_FORMATS index
 *   5  u8  purpose      FRAME_PURPOSES index: a session's frame, or the identity step's photo or challenge frame
 *   6  u8[2]            zero
 *   8  u32 seq          the sender's frame number, echoed in the answer
 *   12 u16 width, u16 height
 *   16 f64 t            capture time, seconds on the session's clock
 *   24 u8[16] session   the session's UUID (the identity step's, for its frames), as bytes
 *   40 pixels           frameBytes(format, width, height) bytes, no padding
 */
import { z } from 'zod';

export const FRAME_MAGIC = 0x31464756; // 'VGF1' read as a little-endian u32
export const FRAME_HEADER_BYTES = 40;
/** I420 and NV12 as the camera gives them (VideoFrame.copyTo), RGBA/BGRA from a canvas or copyTo, RGB packed. */
export const FRAME_FORMATS = ['i420', 'nv12', 'rgba', 'bgra', 'rgb24'] as const;
export type FrameFormat = (typeof FRAME_FORMATS)[number];
/** What a frame is for: the exam session's analysis, the identity photo to enrol, or a frame of its challenge. */
export const FRAME_PURPOSES = ['session', 'enrol', 'identity'] as const;
export type FramePurpose = (typeof FRAME_PURPOSES)[number];
/** Up to 1280x720: a camera's HD mode; the face path needs 640x480. */
export const FRAME_MAX_WIDTH = 1280;
export const FRAME_MAX_HEIGHT = 720;

export const FrameHeader = z
  .object({
    sessionId: z.string().uuid(),
    seq: z.number().int().nonnegative().max(0xffffffff),
    t: z.number().finite().nonnegative().max(24 * 3600),
    width: z.number().int().min(16).max(FRAME_MAX_WIDTH).multipleOf(2),
    height: z.number().int().min(16).max(FRAME_MAX_HEIGHT).multipleOf(2),
    format: z.enum(FRAME_FORMATS),
    purpose: z.enum(FRAME_PURPOSES).default('session'),
  })
  .strict();
export type FrameHeader = z.infer<typeof FrameHeader>;
/** A header as a sender writes it: `purpose` may be left out for a session's frame. */
export type FrameHeaderInput = z.input<typeof FrameHeader>;

/** Bytes of the pixels for a format and size (even sizes: the chroma planes are half each way). */
export function frameBytes(format: FrameFormat, width: number, height: number): number {
  switch (format) {
    case 'i420':
    case 'nv12':
      return width * height + 2 * (width / 2) * (height / 2);
    case 'rgba':
    case 'bgra':
      return width * height * 4;
    case 'rgb24':
      return width * height * 3;
  }
}

/** Why a frame was refused: the code the sender sees and counts by. */
export class FrameRefused extends Error {
  constructor(
    readonly code: 'bad_frame' | 'no_session' | 'session_finished',
    message: string,
  ) {
    super(message);
    this.name = 'FrameRefused';
  }
}

/** A buffer with room for the header and `format` pixels; the caller copies the pixels in at FRAME_HEADER_BYTES. */
export function allocateFrame(header: FrameHeaderInput): Uint8Array {
  const buffer = new Uint8Array(FRAME_HEADER_BYTES + frameBytes(header.format, header.width, header.height));
  writeFrameHeader(buffer, header);
  return buffer;
}

export function writeFrameHeader(buffer: Uint8Array, header: FrameHeaderInput): void {
  const view = new DataView(buffer.buffer, buffer.byteOffset, FRAME_HEADER_BYTES);
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint8(4, FRAME_FORMATS.indexOf(header.format));
  view.setUint8(5, FRAME_PURPOSES.indexOf(header.purpose ?? 'session'));
  view.setUint32(8, header.seq, true);
  view.setUint16(12, header.width, true);
  view.setUint16(14, header.height, true);
  view.setFloat64(16, header.t, true);
  const hex = header.sessionId.replace(/-/g, '');
  for (let i = 0; i < 16; i += 1) buffer[24 + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
}

/** Reads only the sequence number (for an answer to a frame refused before its header could be trusted). */
export function peekFrameSeq(bytes: Uint8Array): number | null {
  if (bytes.byteLength < 12) return null;
  return new DataView(bytes.buffer, bytes.byteOffset, 12).getUint32(8, true);
}

/** Decodes and checks one frame message; a bad one is refused naming what is wrong. */
export function decodeFrame(bytes: Uint8Array): { header: FrameHeader; pixels: Uint8Array } {
  if (bytes.byteLength < FRAME_HEADER_BYTES) throw new FrameRefused('bad_frame', `frame message is ${bytes.byteLength} bytes, shorter than its ${FRAME_HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  if (view.getUint32(0, true) !== FRAME_MAGIC) throw new FrameRefused('bad_frame', 'frame message does not start with VGF1 (not a Vigil frame, or another version)');
  if (view.getUint16(6) !== 0) throw new FrameRefused('bad_frame', 'frame header: reserved bytes are not zero');
  const hex = Array.from(bytes.subarray(24, 40), (b) => b.toString(16).padStart(2, '0')).join('');
  const parsed = FrameHeader.safeParse({
    sessionId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    seq: view.getUint32(8, true),
    t: view.getFloat64(16, true),
    width: view.getUint16(12, true),
    height: view.getUint16(14, true),
    format: FRAME_FORMATS[view.getUint8(4)] ?? `format #${view.getUint8(4)}`,
    purpose: FRAME_PURPOSES[view.getUint8(5)] ?? `purpose #${view.getUint8(5)}`,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FrameRefused('bad_frame', `frame header: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const header = parsed.data;
  const expected = frameBytes(header.format, header.width, header.height);
  const pixels = bytes.subarray(FRAME_HEADER_BYTES);
  if (pixels.byteLength !== expected) throw new FrameRefused('bad_frame', `frame is ${pixels.byteLength} bytes of pixels; ${header.width}x${header.height} ${header.format} needs ${expected}`);
  return { header, pixels };
}

/** A camera or microphone as the candidate app opened it. */
/** Device names of virtual cameras and microphones, as their drivers name them. */
export const VIRTUAL_DEVICE_NAMES: readonly RegExp[] = [
  /v4l2.?loopback/i, /dummy video device/i, /akvcam/i, /\bOBS\b/i, /manycam/i, /snap camera/i, /xsplit/i, /splitcam/i, /camtwist/i,
  /e2esoft|vcam\b/i, /altercam/i, /youcam/i, /\bNDI\b/i, /mmhmm/i, /virtual (camera|cam|webcam|audio|cable|mic)/i, /\bVB-Audio\b/i, /blackhole/i, /soundflower/i,
];
export function isVirtualDeviceName(name: string): boolean {
  return VIRTUAL_DEVICE_NAMES.some((pattern) => pattern.test(name));
}


export const MediaDeviceInfo = z.object({ label: z.string().max(300), deviceId: z.string().max(300) }).strict();
export const DeviceReport = z
  .object({
    t: z.number().finite().nonnegative().max(24 * 3600),
    /** start: the devices the session opened; ended: a track stopped (unplugged, taken); changed: another device. */
    kind: z.enum(['start', 'ended', 'changed']),
    camera: MediaDeviceInfo.nullable(),
    microphone: MediaDeviceInfo.nullable(),
  })
  .strict();
export type DeviceReport = z.infer<typeof DeviceReport>;

export const CaptureStats = z
  .object({
    transport: z.string().max(40),
    width: z.number().int().nonnegative(),
    height: z.number().int().nonnegative(),
    sent: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    latencyP50Ms: z.number().nonnegative(),
    latencyP95Ms: z.number().nonnegative(),
  })
  .strict();
export type CaptureStats = z.infer<typeof CaptureStats>;

/**
 * BT.601 limited range, as cameras send it, in fixed point (12 fractional bits): each term looked up by its byte, so
 * a pixel costs additions, a shift and a clamp table. Luma carries the rounding half.
 */
const FIXED = 12;
const fixed = (k: number, offset: number) => Int32Array.from({ length: 256 }, (_, b) => Math.round(k * (b - offset) * (1 << FIXED)));
const LUMA = Int32Array.from(fixed(1.164, 16), (v) => v + (1 << (FIXED - 1)));
const V_RED = fixed(1.596, 128);
const U_GREEN = fixed(-0.392, 128);
const V_GREEN = fixed(-0.813, 128);
const U_BLUE = fixed(2.017, 128);
/** Clamps -384..639 to a byte (index + 384): the sums above stay within it. */
const CLAMP_BIAS = 384;
const CLAMP = Uint8Array.from({ length: 1024 }, (_, i) => Math.max(0, Math.min(255, i - CLAMP_BIAS)));

/**
 * The pixels as packed RGB, the face pipeline's input. `into` is reused when it has the right size (a frame per
 * call at 12 fps would otherwise allocate 0.9 MB each). YUV goes a 2x2 block at a time (the block shares its chroma)
 * in fixed point: every frame of a live session comes through here, and the per-pixel floating-point version took
 * 7.6 ms of CPU a 640x480 frame against 1.4 ms (within 1 of it on every channel; /tmp script, cpuUsage, 30 frames).
 */
export function toRgb(header: FrameHeader, pixels: Uint8Array, into?: Uint8Array): Uint8Array {
  const { width, height, format } = header;
  const out = into && into.byteLength === width * height * 3 ? into : new Uint8Array(width * height * 3);
  if (format === 'rgb24') {
    out.set(pixels);
    return out;
  }
  if (format === 'rgba' || format === 'bgra') {
    const r = format === 'rgba' ? 0 : 2;
    const b = 2 - r;
    for (let i = 0, j = 0; j < out.length; i += 4, j += 3) {
      out[j] = pixels[i + r]!;
      out[j + 1] = pixels[i + 1]!;
      out[j + 2] = pixels[i + b]!;
    }
    return out;
  }
  const lumaSize = width * height;
  const halfW = width / 2;
  const nv12 = format === 'nv12';
  const vPlane = lumaSize + halfW * (height / 2);
  for (let y = 0; y < height; y += 2) {
    const chromaRow = lumaSize + (y >> 1) * (nv12 ? width : halfW);
    const top = y * width;
    const bottom = top + width;
    for (let x = 0; x < width; x += 2) {
      const u = nv12 ? pixels[chromaRow + x]! : pixels[chromaRow + (x >> 1)]!;
      const v = nv12 ? pixels[chromaRow + x + 1]! : pixels[vPlane - lumaSize + chromaRow + (x >> 1)]!;
      const red = V_RED[v]!;
      const green = U_GREEN[u]! + V_GREEN[v]!;
      const blue = U_BLUE[u]!;
      put(out, (top + x) * 3, LUMA[pixels[top + x]!]!, red, green, blue);
      put(out, (top + x + 1) * 3, LUMA[pixels[top + x + 1]!]!, red, green, blue);
      put(out, (bottom + x) * 3, LUMA[pixels[bottom + x]!]!, red, green, blue);
      put(out, (bottom + x + 1) * 3, LUMA[pixels[bottom + x + 1]!]!, red, green, blue);
    }
  }
  return out;
}

function put(rgb: Uint8Array, o: number, luma: number, red: number, green: number, blue: number): void {
  rgb[o] = CLAMP[((luma + red) >> FIXED) + CLAMP_BIAS]!;
  rgb[o + 1] = CLAMP[((luma + green) >> FIXED) + CLAMP_BIAS]!;
  rgb[o + 2] = CLAMP[((luma + blue) >> FIXED) + CLAMP_BIAS]!;
}
