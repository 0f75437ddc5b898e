/**
 * `vigil eval seb`: the real SEB files of ../shared/data/seb (Moodle quizaccess_seb's fixtures) against what is
 * stated about them in expected.json: the Config Key Moodle's tests state, the key two files must share, and the
 * password-protected file decrypting to the same config as its plaintext. Never run by tests (they build their
 * own files); a missing folder is the usual one-line error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MissingDataError, requireDataSet } from '../../data-sets';
import { configKey } from './config-key';
import { readSebFile, SebFileError } from './seb-file';

const Expected = z.array(
  z
    .object({
      file: z.string(),
      password: z.string().nullable(),
      configKey: z.string().nullable(),
      computedConfigKey: z.string().optional(),
      decryptsTo: z.string().optional(),
      sameConfigKeyAs: z.string().optional(),
    })
    .loose(),
);

export interface SebFileResult {
  file: string;
  configKey: string | null;
  /** Moodle's stated key, where its tests state one. */
  statedKey: string | null;
  matchesStated: boolean | null;
  computedKey: string | null;
  matchesComputed: boolean | null;
  error: string | null;
}

export interface SebEvaluation {
  files: SebFileResult[];
  statedKeysReproduced: string;
  decryptsToPlaintext: { file: string; to: string; password: string; sameConfig: boolean } | null;
  wrongPassword: string | null;
  sameKeyPairs: { a: string; b: string; same: boolean }[];
}

export function evaluateSeb(env: NodeJS.ProcessEnv = process.env): SebEvaluation {
  const { dir } = requireDataSet('seb', /\.seb$/, env);
  let expected: z.infer<typeof Expected>;
  try {
    expected = Expected.parse(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')));
  } catch (error) {
    throw new MissingDataError(`${join(dir, 'expected.json')}: missing or not the expected list (${(error as Error).message.split('\n')[0]})`);
  }
  const settingsOf = (file: string, password?: string | null) => readSebFile(readFileSync(join(dir, file)), password ?? undefined);
  const files = expected.map((e): SebFileResult => {
    try {
      const key = configKey(settingsOf(e.file, e.password));
      return {
        file: e.file,
        configKey: key,
        statedKey: e.configKey,
        matchesStated: e.configKey ? key === e.configKey : null,
        computedKey: e.computedConfigKey ?? null,
        matchesComputed: e.computedConfigKey ? key === e.computedConfigKey : null,
        error: null,
      };
    } catch (error) {
      return { file: e.file, configKey: null, statedKey: e.configKey, matchesStated: e.configKey ? false : null, computedKey: e.computedConfigKey ?? null, matchesComputed: null, error: (error as Error).message };
    }
  });
  const stated = files.filter((f) => f.statedKey);
  const encrypted = expected.find((e) => e.password && e.decryptsTo);
  let wrongPassword: string | null = null;
  if (encrypted) {
    try {
      settingsOf(encrypted.file, `${encrypted.password}-wrong`);
    } catch (error) {
      if (error instanceof SebFileError) wrongPassword = error.message;
      else throw error;
    }
  }
  const pairs = expected.filter((e) => e.sameConfigKeyAs).map((e) => ({ a: e.file, b: e.sameConfigKeyAs! }));
  const keyOf = (file: string) => files.find((f) => f.file === file)?.configKey ?? configKey(settingsOf(file));
  return {
    files,
    statedKeysReproduced: `${stated.filter((f) => f.matchesStated).length}/${stated.length}`,
    decryptsToPlaintext: encrypted
      ? { file: encrypted.file, to: encrypted.decryptsTo!, password: encrypted.password!, sameConfig: JSON.stringify(settingsOf(encrypted.file, encrypted.password)) === JSON.stringify(settingsOf(encrypted.decryptsTo!)) }
      : null,
    wrongPassword,
    sameKeyPairs: pairs.map(({ a, b }) => ({ a, b, same: keyOf(a) === keyOf(b) })),
  };
}
