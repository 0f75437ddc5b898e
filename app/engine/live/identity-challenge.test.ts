import { describe, expect, it } from 'vitest';
import { emptyFrame, type FrameFeatures } from '../features/schema';
import { IdentityChallenge } from './identity-challenge';

/** One face, eyes open and facing the camera, with overrides. */
const frame = (i: number, set: Partial<FrameFeatures> = {}): FrameFeatures => ({ ...emptyFrame(i / 4, i), face_count: 1, yaw: 0, pitch: 0, blink: false, identity_similarity: i % 8 === 0 ? 0.9 : null, ...set });

describe('identity challenge', () => {
  it('does not pass a face that never blinks or turns, and says what was missing', () => {
    const challenge = new IdentityChallenge(0.5);
    for (let i = 0; i < 40; i += 1) expect(challenge.push(frame(i)).passed).toBe(false);
    expect(challenge.summary()).toBe('Identity not confirmed by the challenge: 0 of 2 blinks, no turn to the left, no turn to the right.');
  });

  it('counts a blink once however many frames the eyes stay closed', () => {
    const challenge = new IdentityChallenge(0.5);
    [false, true, true, true, false, false, true, false].forEach((blink, i) => challenge.push(frame(i, { blink })));
    expect(challenge.progress().blinks).toBe(2);
  });

  it('passes two blinks, a turn each way and a matching face, in any order', () => {
    const challenge = new IdentityChallenge(0.5);
    const script: Partial<FrameFeatures>[] = [{ yaw: 20 }, {}, { blink: true }, {}, { yaw: -18 }, { blink: true }, {}];
    const last = script.map((set, i) => challenge.push(frame(i, set))).at(-1)!;
    expect(last).toMatchObject({ blinks: 2, turnedLeft: true, turnedRight: true, matched: true, passed: true });
    expect(challenge.summary()).toMatch(/^Identity confirmed: face matches the enrolled photo \(similarity 0\.90\)/);
  });

  it('does not pass someone else who blinks and turns', () => {
    const challenge = new IdentityChallenge(0.5);
    const script: Partial<FrameFeatures>[] = [{ yaw: 20 }, { blink: true }, {}, { yaw: -18 }, { blink: true }, {}];
    const last = script.map((set, i) => challenge.push(frame(i, { ...set, identity_similarity: 0.2 }))).at(-1)!;
    expect(last).toMatchObject({ blinks: 2, turnedLeft: true, turnedRight: true, matched: false, passed: false });
    expect(challenge.summary()).toBe('Identity not confirmed by the challenge: face similarity 0.20 below 0.5.');
  });
});
