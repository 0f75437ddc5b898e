import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, FrameRefused, allocateFrame, decodeFrame, frameBytes, isVirtualDeviceName, peekFrameSeq, toRgb, type FrameHeader } from './frame-wire';

const header = (over: Partial<FrameHeader> = {}): FrameHeader => ({ sessionId: randomUUID(), seq: 7, t: 12.345, width: 640, height: 480, format: 'i420', purpose: 'session', ...over });

function refusal(bytes: Uint8Array): string {
  try {
    decodeFrame(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(FrameRefused);
    return (error as Error).message;
  }
  throw new Error('the frame was accepted');
}

describe('frame wire format', () => {
  it('carries session, capture time, size, format and sequence number through encode and decode', () => {
    const h = header();
    const bytes = allocateFrame(h);
    expect(bytes.byteLength).toBe(FRAME_HEADER_BYTES + 640 * 480 * 1.5);
    bytes.fill(9, FRAME_HEADER_BYTES);
    const decoded = decodeFrame(bytes);
    expect(decoded.header).toEqual(h);
    expect(decoded.pixels.byteLength).toBe(frameBytes('i420', 640, 480));
    expect(peekFrameSeq(bytes)).toBe(7);
  });

  it('reads a frame that sits inside a larger buffer (a WebSocket message slice)', () => {
    const h = header({ format: 'rgb24', width: 16, height: 16 });
    const frame = allocateFrame(h);
    const big = new Uint8Array(frame.byteLength + 100);
    big.set(frame, 50);
    expect(decodeFrame(big.subarray(50, 50 + frame.byteLength)).header).toEqual(h);
  });

  it('refuses a frame whose pixels are not the size its header says', () => {
    const bytes = allocateFrame(header());
    expect(refusal(bytes.subarray(0, bytes.byteLength - 1))).toMatch(/460799 bytes of pixels; 640x480 i420 needs 460800/);
  });

  it('refuses a wrong header: not VGF1, too short, odd or huge size, unknown format, bad time, reserved bytes set', () => {
    const good = allocateFrame(header({ width: 16, height: 16 }));
    const tampered = (at: number, write: (v: DataView) => void) => {
      const copy = good.slice();
      write(new DataView(copy.buffer));
      return refusal(copy) + (at ? '' : '');
    };
    expect(refusal(good.subarray(0, 10))).toMatch(/shorter than its 40-byte header/);
    expect(tampered(0, (v) => v.setUint32(0, 0x31464757, true))).toMatch(/does not start with VGF1/);
    expect(tampered(0, (v) => v.setUint16(12, 17, true))).toMatch(/^frame header: width: /);
    expect(tampered(0, (v) => v.setUint16(14, 4000, true))).toMatch(/^frame header: height: /);
    expect(tampered(0, (v) => v.setUint8(4, 9))).toMatch(/^frame header: format: /);
    expect(tampered(0, (v) => v.setFloat64(16, Number.NaN, true))).toMatch(/^frame header: t: /);
    expect(tampered(0, (v) => v.setFloat64(16, -1, true))).toMatch(/^frame header: t: /);
    expect(tampered(0, (v) => v.setUint8(6, 1))).toMatch(/reserved bytes/);
    expect(tampered(0, (v) => v.setUint8(5, 9))).toMatch(/^frame header: purpose: /);
  });

  it("carries what a frame is for: a session's by default, or the identity step's photo or challenge frame", () => {
    expect(decodeFrame(allocateFrame({ ...header({ width: 16, height: 16 }), purpose: undefined })).header.purpose).toBe('session');
    for (const purpose of ['session', 'enrol', 'identity'] as const) expect(decodeFrame(allocateFrame(header({ width: 16, height: 16, purpose }))).header.purpose).toBe(purpose);
  });

  it('converts every YUV value as the BT.601 formula does, within one step, in I420 and NV12 alike', () => {
    const w = 32;
    const h = 16;
    const planes = allocateFrame(header({ format: 'i420', width: w, height: h }));
    // Every luma and chroma byte value appears: the tables' ends (and the clamp) are exercised.
    for (let i = FRAME_HEADER_BYTES; i < planes.length; i += 1) planes[i] = (i * 37) % 256;
    const { header: hd, pixels } = decodeFrame(planes);
    const byte = (v: number) => Math.max(0, Math.min(255, v));
    const rgb = toRgb(hd, pixels);
    const nv12 = allocateFrame(header({ format: 'nv12', width: w, height: h }));
    nv12.set(pixels.subarray(0, w * h), FRAME_HEADER_BYTES);
    for (let y = 0; y < h; y += 1) {
      for (let x = 0; x < w; x += 1) {
        const c = (y >> 1) * (w / 2) + (x >> 1);
        const u = pixels[w * h + c]!;
        const v = pixels[w * h + (w / 2) * (h / 2) + c]!;
        nv12[FRAME_HEADER_BYTES + w * h + (y >> 1) * w + (x & ~1)] = u;
        nv12[FRAME_HEADER_BYTES + w * h + (y >> 1) * w + (x & ~1) + 1] = v;
        const l = 1.164 * (pixels[y * w + x]! - 16);
        const want = [byte(l + 1.596 * (v - 128)), byte(l - 0.392 * (u - 128) - 0.813 * (v - 128)), byte(l + 2.017 * (u - 128))];
        const o = (y * w + x) * 3;
        for (let k = 0; k < 3; k += 1) expect(Math.abs(rgb[o + k]! - want[k]!), `pixel ${x},${y} channel ${k}`).toBeLessThanOrEqual(1);
      }
    }
    const fromNv12 = decodeFrame(nv12);
    expect([...toRgb(fromNv12.header, fromNv12.pixels)]).toEqual([...rgb]);
  });

  it('turns I420, NV12, RGBA and BGRA into the RGB the face pipeline reads', () => {
    const w = 16;
    const h = 16;
    // Mid grey in YUV (limited range: Y 126 -> 128 in RGB) with neutral chroma.
    const i420 = allocateFrame(header({ format: 'i420', width: w, height: h }));
    i420.fill(126, FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + w * h);
    i420.fill(128, FRAME_HEADER_BYTES + w * h);
    const nv12 = i420.slice();
    nv12[4] = 1; // format index of nv12
    for (const bytes of [i420, nv12]) {
      const { header: hd, pixels } = decodeFrame(bytes);
      const rgb = toRgb(hd, pixels);
      expect(rgb.byteLength).toBe(w * h * 3);
      for (const v of rgb) expect(Math.abs(v - 128)).toBeLessThanOrEqual(1);
    }
    // Pure red through both byte orders.
    const rgba = allocateFrame(header({ format: 'rgba', width: 16, height: 16 }));
    const bgra = allocateFrame(header({ format: 'bgra', width: 16, height: 16 }));
    for (let i = FRAME_HEADER_BYTES; i < rgba.byteLength; i += 4) {
      rgba.set([255, 0, 0, 255], i);
      bgra.set([0, 0, 255, 255], i);
    }
    for (const bytes of [rgba, bgra]) {
      const { header: hd, pixels } = decodeFrame(bytes);
      expect([...toRgb(hd, pixels).subarray(0, 6)]).toEqual([255, 0, 0, 255, 0, 0]);
    }
  });

  it('knows virtual cameras and microphones by their drivers\' device names, and not real ones', () => {
    for (const name of ['Dummy video device (0x0000)', 'v4l2loopback', 'OBS Virtual Camera', 'ManyCam Virtual Webcam', 'Snap Camera', 'XSplit VCam', 'VB-Audio Virtual Cable']) expect(isVirtualDeviceName(name), name).toBe(true);
    for (const name of ['Integrated Camera: Integrated C', 'HD Pro Webcam C920', 'FaceTime HD Camera', 'Built-in Audio Analog Stereo']) expect(isVirtualDeviceName(name), name).toBe(false);
  });
});
