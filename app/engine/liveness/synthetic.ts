/**
 * Synthetic evidence sequences for this folder's tests (never ../shared): live sequences draw every evidence
 * value around +shift, attacks around -shift, with noise, so a trained model has something to learn.
 */
import seedrandom from 'seedrandom';
import type { SequenceEvidence } from './dataset';
import { EVIDENCE_DIM } from './evidence';

export function syntheticEvidence(count: number, frames: number, seed: number, shift = 0.4): SequenceEvidence[] {
  const rng = seedrandom(`liveness-synthetic-${seed}`);
  const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: count }, (_, i) => {
    const live = i % 2 === 0;
    const rows = () => Array.from({ length: frames }, () => Float32Array.from({ length: EVIDENCE_DIM }, (_, d) => (d % 3 === 0 ? (live ? shift : -shift) : 0) + gauss()));
    return {
      sequence: { id: `s${i}`, label: live ? 'live' : 'print', subject: `subject${Math.floor(i / 2) % 4}`, frames: Array.from({ length: frames }, (_, k) => `${k}.jpg`) },
      variants: [rows(), rows()],
    } satisfies SequenceEvidence;
  });
}
