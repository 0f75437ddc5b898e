/**
 * Evidence in several processes is the same evidence: each sequence's values depend only on the sequence and the
 * seed, so `vigil train liveness` may share the sequences among child processes (evidence-shard.ts) to use both
 * cores. Frames: the face photos shipped in @vladmandic/human (never ../shared).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { samplePath } from '../vision/test-images';
import { extractEvidence, stillPrintSequences, type Sequence } from './dataset';

const photo = samplePath('screenshot-faceid.jpg');
const sequences: Sequence[] = [
  { id: 'a/live', label: 'live', subject: 'a', frames: [photo, photo, photo] },
  { id: 'b/print', label: 'print', subject: 'b', frames: [samplePath('samples.jpg'), photo] },
];
const tmp = process.env.TMPDIR;
afterAll(() => {
  if (tmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmp;
});

/** Evidence extracted with its cache in a fresh folder, so that nothing is read from an earlier run. */
async function fresh(jobs: number, list: readonly Sequence[]) {
  process.env.TMPDIR = mkdtempSync(join(tmp ?? tmpdir(), 'vigil-evidence-test-'));
  return extractEvidence(list, { variants: 1, seed: 7, jobs });
}

describe('liveness evidence extraction', () => {
  it('gives the same values, in the same order, in two processes as in one', async () => {
    const all = [...sequences, ...stillPrintSequences(sequences)];
    const one = await fresh(1, all);
    const two = await fresh(2, all);
    expect(two.map((e) => e.sequence.id)).toEqual(all.map((s) => s.id));
    expect(two.map((e) => e.variants.map((v) => v.map((row) => Array.from(row))))).toEqual(one.map((e) => e.variants.map((v) => v.map((row) => Array.from(row)))));
    // A face was found and described (not NaN rows), in the original and the augmented copy.
    expect(one[0]!.variants.every((v) => v.every((row) => Number.isFinite(row[2])))).toBe(true);
  }, 300_000);
});
