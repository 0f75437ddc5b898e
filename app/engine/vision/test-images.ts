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
