/**
 * The identity challenge after enrolment: the candidate blinks twice and turns the head to each side while the
 * face pipeline watches, and the face must match the enrolled photo. A still photo held to the camera cannot
 * blink or turn, so it does not pass.
 */
import type { FrameFeatures } from '../features/schema';

export interface IdentityProgress {
  faceCount: number;
  blinks: number;
  turnedLeft: boolean;
  turnedRight: boolean;
  /** Best cosine similarity to the enrolled face so far (computed every few seconds), or null before the first. */
  similarity: number | null;
  matched: boolean;
  passed: boolean;
}

export const CHALLENGE = { blinks: 2, turnDeg: 15 } as const;

export class IdentityChallenge {
  private blinks = 0;
  private eyesClosed = false;
  private maxYaw = -Infinity;
  private minYaw = Infinity;
  private similarity: number | null = null;

  constructor(private readonly matchAtLeast: number) {}

  push(f: FrameFeatures): IdentityProgress {
    if (f.face_count === 1) {
      // A blink is a closing of both eyes after they were open: count transitions, not closed frames.
      if (f.blink === true && !this.eyesClosed) this.blinks += 1;
      if (f.blink !== null) this.eyesClosed = f.blink;
      if (f.yaw !== null) {
        this.maxYaw = Math.max(this.maxYaw, f.yaw);
        this.minYaw = Math.min(this.minYaw, f.yaw);
      }
      if (f.identity_similarity !== null) this.similarity = Math.max(this.similarity ?? -1, f.identity_similarity);
    }
    return this.progress(f.face_count);
  }

  progress(faceCount = 0): IdentityProgress {
    // yaw > 0 is the candidate's own left (app/engine/vision/README.md).
    const turnedLeft = this.maxYaw >= CHALLENGE.turnDeg;
    const turnedRight = this.minYaw <= -CHALLENGE.turnDeg;
    const matched = this.similarity !== null && this.similarity >= this.matchAtLeast;
    return { faceCount, blinks: this.blinks, turnedLeft, turnedRight, similarity: this.similarity, matched, passed: matched && this.blinks >= CHALLENGE.blinks && turnedLeft && turnedRight };
  }

  /** One line for the report: what was and was not seen. */
  summary(): string {
    const p = this.progress();
    if (p.passed) return `Identity confirmed: face matches the enrolled photo (similarity ${p.similarity!.toFixed(2)}), ${p.blinks} blinks, head turned left and right.`;
    const missing = [
      !p.matched && (p.similarity === null ? 'no face comparison yet' : `face similarity ${p.similarity.toFixed(2)} below ${this.matchAtLeast}`),
      p.blinks < CHALLENGE.blinks && `${p.blinks} of ${CHALLENGE.blinks} blinks`,
      !p.turnedLeft && 'no turn to the left',
      !p.turnedRight && 'no turn to the right',
    ].filter(Boolean);
    return `Identity not confirmed by the challenge: ${missing.join(', ')}.`;
  }
}
