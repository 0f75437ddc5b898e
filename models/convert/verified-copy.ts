/**
 * Models that npm packages ship as ONNX already are copied unchanged; their bytes are checked against a pinned
 * sha256 first, so a changed package never silently changes what a detector means.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The file's bytes after checking their sha256; throws one line naming the file, the model and the fix. */
export function readVerified(path: string, expected: string, model: string, reinstall: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the ${model} model (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run \`npm ci\``);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) throw new Error(`${path}: sha256 ${actual} does not match the expected ${expected}; reinstall ${reinstall}`);
  return bytes;
}
