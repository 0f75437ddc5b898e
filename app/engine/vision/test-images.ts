/** Real photos for tests: the samples shipped in @vladmandic/human/assets, decoded (and edited) by ffmpeg. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourcePackageDir } from '../../../models/convert/build-models';
import { readImage, type RgbFrame } from '../media/frames';

export const samplePath = (name: string) => join(sourcePackageDir(), 'assets', name);

let scratch: string | null = null;

/** A sample photo passed through an ffmpeg filter (hflip, rotate=...), decoded. */
export async function editedSample(name: string, filter: string): Promise<RgbFrame> {
  scratch ??= mkdtempSync(join(tmpdir(), 'vigil-vision-'));
  const out = join(scratch, `${filter.replace(/[^a-z0-9]/gi, '_')}-${name}.png`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', samplePath(name), '-vf', filter, out]);
  return readImage(out);
}

export const sample = (name: string) => readImage(samplePath(name));

/** Top edges of the six rows of extracted faces in screenshot-facematch.jpg; columns are 106.5 pixels apart. */
const FACEMATCH_ROWS = [283, 395, 508, 620, 733, 845];

/**
 * One face of the "extracted faces" grid in screenshot-facematch.jpg (row and column from 0), scaled up three times:
 * real faces with the head pitched and the eyes turned, which the package's larger photos lack.
 */
export function faceMatchCell(row: number, col: number, then?: 'hflip'): Promise<RgbFrame> {
  const crop = `crop=105:106:${Math.round(2 + 106.5 * col)}:${FACEMATCH_ROWS[row]},scale=315:318`;
  return editedSample('screenshot-facematch.jpg', then ? `${crop},${then}` : crop);
}
