import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../media/frames';
import { THUMBNAIL, ThumbnailUpload, isJpeg } from '../sync/protocol';
import { samplePath } from '../vision/test-images';
import { thumbnailOf } from './live-thumbnails';

/** @vladmandic/human's FaceID screenshot as an RGB camera frame (800x564). */
function photoFrame(): RgbFrame {
  const decoded = jpeg.decode(readFileSync(samplePath('screenshot-faceid.jpg')), { useTArray: true });
  const rgb = new Uint8Array(decoded.width * decoded.height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) rgb.set(decoded.data.subarray(i, i + 3), j);
  return { width: decoded.width, height: decoded.height, data: rgb, t: 12, index: 0 };
}

function meanOf(data: Uint8Array, stride: number, channel: number): number {
  let sum = 0;
  for (let i = channel; i < data.length; i += stride) sum += data[i]!;
  return sum / (data.length / stride);
}

describe('live thumbnails', () => {
  it('shrinks a camera frame to a small JPEG the sync protocol accepts, keeping what the picture shows', () => {
    const frame = photoFrame();
    const upload = thumbnailOf(frame, new Date('2026-12-06T03:00:00Z'));
    expect(ThumbnailUpload.safeParse(upload).success).toBe(true);
    const bytes = Buffer.from(upload.jpeg, 'base64');
    expect(isJpeg(bytes)).toBe(true);
    expect(bytes.length).toBeLessThanOrEqual(THUMBNAIL.maxBytes);
    const back = jpeg.decode(bytes, { useTArray: true });
    expect([back.width, back.height]).toEqual([upload.width, upload.height]);
    expect(upload.width).toBeLessThanOrEqual(THUMBNAIL.maxWidth);
    // Each channel's mean survives shrinking and JPEG within a few levels: the picture is the frame, not noise.
    for (const channel of [0, 1, 2]) expect(Math.abs(meanOf(back.data, 4, channel) - meanOf(frame.data, 3, channel))).toBeLessThan(4);
    // The left and right halves differ in the photo (the face sits left): so must they in the thumbnail.
    const half = (data: Uint8Array, width: number, height: number, stride: number, left: boolean) => {
      let sum = 0;
      for (let y = 0; y < height; y++) for (let x = left ? 0 : width / 2; x < (left ? width / 2 : width); x++) sum += data[(y * width + x) * stride]!;
      return sum / ((width / 2) * height);
    };
    const photoSide = half(frame.data, frame.width, frame.height, 3, true) - half(frame.data, frame.width, frame.height, 3, false);
    const thumbSide = half(back.data, back.width, back.height, 4, true) - half(back.data, back.width, back.height, 4, false);
    expect(Math.sign(thumbSide)).toBe(Math.sign(photoSide));
    expect(Math.abs(thumbSide - photoSide)).toBeLessThan(6);
  });
});
