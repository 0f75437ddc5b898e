/**
 * The evaluation data sets (../shared/data, or VIGIL_DATA_DIR), read only by `vigil eval` and `vigil bench`,
 * never by tests. A missing folder is one clear error saying where Vigil looked and how to point it elsewhere.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataSetDir } from './paths';

export class MissingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingDataError';
  }
}

/** The folder of one data set, with at least one file matching `pattern`; throws MissingDataError otherwise. */
export function requireDataSet(name: string, pattern: RegExp, env: NodeJS.ProcessEnv = process.env): { dir: string; files: string[] } {
  const dir = join(dataSetDir(env), name);
  if (!existsSync(dir)) throw new MissingDataError(`${dir}: missing; the evaluation data is read from ../shared/data or VIGIL_DATA_DIR`);
  const files = readdirSync(dir).filter((f) => pattern.test(f)).sort();
  if (files.length === 0) throw new MissingDataError(`${dir}: holds no ${pattern.source} files`);
  return { dir, files: files.map((f) => join(dir, f)) };
}
