/**
 * `vigil train|eval|bench liveness` on bad input, as a candidate or a careless operator would give it: each is one
 * line naming the thing and the problem, and a non-zero exit (2 for a wrong command line). Attacks tried: a
 * missing data folder, an index.csv with a sequence path climbing out of the folder (`../`), a label that is
 * neither live nor print, a sequence folder without frames, no --out, a non-numeric --folds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'vigil.mjs');

function vigil(args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'vigil-cli-liveness-'));
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: home, VIGIL_DATA_DIR: join(home, 'no-such-data') } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn')) };
}

function dataWithIndex(index: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-liveness-data-'));
  mkdirSync(join(dir, 'liveness-seq', 'real', 'a'), { recursive: true });
  writeFileSync(join(dir, 'liveness-seq', 'index.csv'), index);
  return dir;
}

describe('vigil liveness commands on bad input', () => {
  it('say in one line what is missing or wrong, with a non-zero exit', () => {
    const missing = vigil(['eval', 'liveness', '--json', '--data', join(tmpdir(), 'vigil-no-such-folder')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toHaveLength(1);
    expect(missing.stderr[0]).toMatch(/^vigil: .*vigil-no-such-folder.*missing/);

    const climbing = vigil(['eval', 'liveness', '--data', dataWithIndex('sequence,label,subject,frames\n../../etc,live,0001,12\n')]);
    expect(climbing.code).toBe(1);
    expect(climbing.stderr[0]).toMatch(/^vigil: .*index\.csv line 2: no "\.\." in a sequence path/);

    const label = vigil(['eval', 'liveness', '--data', dataWithIndex('sequence,label,subject,frames\nreal/a,replayed,0001,12\n')]);
    expect(label.code).toBe(1);
    expect(label.stderr[0]).toMatch(/index\.csv line 2: .*live.*print/);

    const empty = vigil(['train', 'liveness', '--out', join(tmpdir(), 'vigil-liveness-never'), '--data', dataWithIndex('sequence,label,subject,frames\nreal/a,live,0001,12\n')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr[0]).toMatch(/^vigil: .*real\/a: no frames/);

    expect(vigil(['train', 'liveness']).stderr[0]).toMatch(/^vigil: --out: required/);
    const folds = vigil(['eval', 'liveness', '--folds', 'many']);
    expect(folds.code).toBe(2);
    expect(folds.stderr[0]).toMatch(/^vigil: --folds: must be a whole number/);
  }, 120_000);
});
