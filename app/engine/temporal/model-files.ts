/** The files of a temporal model folder. Kept apart so the live scorer loads no training code to name them. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export const MODEL_FILE = 'model.onnx';
export const METADATA_FILE = 'metadata.json';
export const CURVES_FILE = 'curves.png';
/** Written by `vigil train temporal --cv`, not part of a model folder. */
export const CROSS_VALIDATION_FILE = 'cv.json';

/**
 * Reads a model folder's metadata.json through its zod schema, shared by the temporal and liveness models; a
 * missing, unreadable or foreign file is one error from `fail(path, problem)`. `kind` names the model in it.
 */
export function readModelMetadata<T>(path: string, schema: z.ZodType<T>, kind: string, fail: (thing: string, problem: string) => Error): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(path, code === 'ENOENT' ? `no such file (a ${kind} model folder has model.onnx and metadata.json)` : `not readable JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail(path, `not ${kind} model metadata (${issue.path.join('.') || 'root'}: ${issue.message})`);
  }
  return parsed.data;
}
