import { describe, expect, it } from 'vitest';
import { ARCFACE_TEMPLATE, alignedCrop, fivePoints } from './face-align';
import type { Point3 } from './face-mesh';
import { cropPointToFrame } from './image-ops';
import { MESH } from './landmarks';

/** A 468-point mesh whose five alignment points are the template moved by `scale`, `angle` and `shift`. */
function meshAt(scale: number, angle: number, shift: [number, number]): Point3[] {
  const at = ([x, y]: readonly [number, number]): Point3 => [
    shift[0] + scale * (x * Math.cos(angle) - y * Math.sin(angle)),
    shift[1] + scale * (x * Math.sin(angle) + y * Math.cos(angle)),
    0,
  ];
  const points: Point3[] = Array.from({ length: 468 }, () => [0, 0, 0]);
  const [re, le, nose, mr, ml] = ARCFACE_TEMPLATE.map(at);
  // Each eye's two corners straddle the template's eye centre.
  points[MESH.rightEye.outer] = [re![0] - 3, re![1] + 1, 0];
  points[MESH.rightEye.inner] = [re![0] + 3, re![1] - 1, 0];
  points[MESH.leftEye.inner] = [le![0] - 2, le![1], 0];
  points[MESH.leftEye.outer] = [le![0] + 2, le![1], 0];
  points[MESH.noseTip] = nose!;
  points[MESH.mouthRight] = mr!;
  points[MESH.mouthLeft] = ml!;
  return points;
}

describe('aligning a face to the ArcFace template', () => {
  it('takes eye centres from the eye corners, then the nose tip and the mouth corners, image-left first', () => {
    const five = fivePoints(meshAt(1, 0, [0, 0]));
    ARCFACE_TEMPLATE.forEach(([x, y], i) => {
      expect(five[i]![0]).toBeCloseTo(x, 6);
      expect(five[i]![1]).toBeCloseTo(y, 6);
    });
  });

  it('cuts the crop whose template points land on the face, whatever its size, turn and place', () => {
    for (const [scale, angle, shift] of [
      [1, 0, [0, 0]],
      [2.5, 0.4, [120, -30]],
      [0.7, -1.2, [300, 200]],
    ] as const) {
      const crop = alignedCrop(meshAt(scale, angle, [shift[0], shift[1]]));
      expect(crop.angle).toBeCloseTo(angle, 6);
      expect(crop.w).toBeCloseTo(112 * scale, 4);
      for (const [x, y] of ARCFACE_TEMPLATE) {
        const [fx, fy] = cropPointToFrame(crop, 112, 112, x, y);
        expect(fx).toBeCloseTo(shift[0] + scale * (x * Math.cos(angle) - y * Math.sin(angle)), 4);
        expect(fy).toBeCloseTo(shift[1] + scale * (x * Math.sin(angle) + y * Math.cos(angle)), 4);
      }
    }
  });

  it('widens the view around the same centre with a margin', () => {
    const mesh = meshAt(2, 0.3, [50, 60]);
    const [tight, wide] = [alignedCrop(mesh), alignedCrop(mesh, 1.25)];
    expect(wide.w / tight.w).toBeCloseTo(1.25, 6);
    expect(wide.cx).toBeCloseTo(tight.cx, 6);
    expect(wide.cy).toBeCloseTo(tight.cy, 6);
  });
});
