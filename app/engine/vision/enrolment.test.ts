import { describe, expect, it } from 'vitest';
import { ENROLMENT, FaceEnrolment, enrolmentFrameProblem } from './enrolment';
import { cosineSimilarity } from './face-attributes';

// Descriptors here are small unit vectors with known angles: the arithmetic of the enrolment, not the model (the
// model's side is in pipeline.test.ts, on the package's sample photos).
const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};
const usable = { face_count: 1, yaw: 2, pitch: -3, blink: false } as const;

describe('which frames may join an enrolment', () => {
  it('takes one frontal face with open eyes and names what is wrong with any other', () => {
    expect(enrolmentFrameProblem(usable)).toBeNull();
    expect(enrolmentFrameProblem({ ...usable, face_count: 2 })).toBe('2 faces in view');
    expect(enrolmentFrameProblem({ ...usable, face_count: 0, yaw: null })).toBe('0 faces in view');
    expect(enrolmentFrameProblem({ ...usable, yaw: ENROLMENT.maxYawDeg + 3 })).toBe('face not frontal');
    expect(enrolmentFrameProblem({ ...usable, pitch: -(ENROLMENT.maxPitchDeg + 1) })).toBe('face not frontal');
    expect(enrolmentFrameProblem({ ...usable, blink: true })).toBe('eyes closed');
    expect(enrolmentFrameProblem({ ...usable, blink: null })).toBe('eyes closed');
  });
});

describe('an enrolment of several frames', () => {
  it('averages the unit descriptors of the photo and the frames that match it', () => {
    const e = new FaceEnrolment(unit(1, 0, 0), 0.7);
    expect(e.offer(unit(1, 1, 0), 1)).toBe(true); // cosine 0.71 with the photo
    expect(e.frames).toBe(2);
    // The mean direction of (1,0,0) and (0.71,0.71,0): 22.5 degrees from each.
    expect(cosineSimilarity(e.template, unit(1, 0, 0))).toBeCloseTo(Math.cos(Math.PI / 8), 5);
    expect(cosineSimilarity(e.template, unit(1, 1, 0))).toBeCloseTo(Math.cos(Math.PI / 8), 5);
  });

  it("refuses a face that does not match the photo, however close it is to the template's drift", () => {
    const e = new FaceEnrolment(unit(1, 0, 0), 0.7);
    e.offer(unit(1, 1, 0), 1);
    // 63 degrees from the photo (cosine 0.45) but 40 from the template: it would pull the enrolment away.
    expect(e.offer(unit(1, 2, 0), 2)).toBe(false);
    expect(e.frames).toBe(2);
  });

  it('takes frames at least minGapSec apart, at most ENROLMENT.frames, and none once closed', () => {
    const e = new FaceEnrolment(unit(1, 0, 0), 0.5);
    expect(e.wants(usable, 0)).toBe(true);
    expect(e.offer(unit(1, 0.1, 0), 0)).toBe(true);
    expect(e.wants(usable, ENROLMENT.minGapSec / 2)).toBe(false);
    expect(e.offer(unit(1, 0.2, 0), ENROLMENT.minGapSec / 2)).toBe(false);
    for (let i = 1; i < 20; i++) e.offer(unit(1, 0.01 * i, 0.1), i);
    expect(e.frames).toBe(ENROLMENT.frames);
    expect(e.wants(usable, 100)).toBe(false);
    const closed = new FaceEnrolment(unit(1, 0, 0), 0.5);
    closed.close();
    expect(closed.wants(usable, 5)).toBe(false);
    expect(closed.offer(unit(1, 0, 0), 5)).toBe(false);
    expect(closed.frames).toBe(1);
  });

  it('does not want an unusable frame', () => {
    const e = new FaceEnrolment(unit(1, 0, 0), 0.5);
    expect(e.wants({ ...usable, blink: true }, 3)).toBe(false);
    expect(e.wants({ ...usable, face_count: 2 }, 3)).toBe(false);
  });
});
