import { describe, expect, it } from 'vitest';
import { ENROLMENT } from './enrolment';
import { enrolmentFigures, subjectFolds } from './identity-eval';

// The protocol's bookkeeping on made-up descriptors with known angles (the figures on real faces come from
// `vigil eval vision` on ../shared/data, which tests never read).
const angle = (deg: number) => Float32Array.from([Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180), 0]);
const usable = { face_count: 1, yaw: 0, pitch: 0, blink: false } as const;

function capture(subject: string, session: string, degs: number[], features: (i: number) => typeof usable | { face_count: number; yaw: number; pitch: number; blink: boolean } = () => usable) {
  return degs.map((deg, i) => ({ subject, session, sequence: `${subject}_${session}`, t: i, features: features(i), d: { 'faceres-deep-aligned': angle(deg) } as never }));
}

describe('the enrolment protocol of the identity eval', () => {
  it('enrols each capture from its usable frames that match the first, and scores runs of 3 by their highest frame', () => {
    const faces = [
      // Subject A: the first frame has closed eyes (not the photo), then 10 usable frames at 0 degrees.
      ...capture('A', '1', [40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], (i) => (i === 0 ? { ...usable, blink: true } : usable)),
      // A's other session: 3 frames at 10 degrees and one at 60 (looking away): a genuine run of 3 with one bad
      // frame still scores its best frame.
      ...capture('A', '2', [10, 60, 10, 10]),
      ...capture('B', '1', [90, 90, 90, 90]),
    ];
    const r = enrolmentFigures(faces, 'faceres-deep-aligned', subjectFolds(faces, 2), 0.9);
    // A1: the photo and 7 more frames (ENROLMENT.frames); A2 3 (the frame 50 degrees from its photo does not join);
    // B1 all 4.
    expect(r.framesPerEnrolment).toEqual({ mean: (ENROLMENT.frames + 3 + 4) / 3, min: 3, max: ENROLMENT.frames });
    // Genuine: A1 -> A2 frames, A2 -> A1 frames (B has one session); impostor: every A capture against B and back.
    expect(r.single).toMatchObject({ genuine: 4 + 11, impostor: 4 + 4 + 11 + 4 });
    expect(r.episode).toMatchObject({ genuine: 2 + 9, impostor: 2 + 2 + 9 + 2, windowFrames: 3 });
    // Every genuine run's best frame is within 10 degrees of the enrolment, every impostor run's 30 or more (B against
    // A's look-away frame): runs separate, single frames do not; at 0.9 no run of A is flagged, though one frame is.
    expect(r.episode.eer).toBe(0);
    expect(r.single.eer).toBeGreaterThan(0);
    expect(r.atPolicyThreshold.episode).toEqual({ far: 0, frr: 0 });
    expect(r.atPolicyThreshold.single.frr).toBeGreaterThan(0);
  });
});
