import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'vigil.mjs');

function vigil(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: mkdtempSync(join(tmpdir(), 'vigil-cli-')), ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vigil eval audio / bench audio', () => {
  const empty = mkdtempSync(join(tmpdir(), 'vigil-no-data-'));

  it('eval audio says in one line that the evaluation data is missing, and exits 1', () => {
    const { code, stderr, stdout } = vigil(['eval', 'audio', '--json'], { VIGIL_DATA_DIR: empty });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([`vigil: evaluation data: ${empty}: no speakers/ and single-speaker/ evaluation data here (set VIGIL_DATA_DIR)`]);
  });

  it('bench audio says in one line that the evaluation data is missing, and exits 1', () => {
    const { code, stderr } = vigil(['bench', 'audio', '--json'], { VIGIL_DATA_DIR: empty });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([`vigil: evaluation data: ${join(empty, 'speakers')}: missing (the benchmark reads the speakers/ meeting clips)`]);
  });

  it('bench audio rejects a bad --repeats as a usage error', () => {
    const { code, stderr } = vigil(['bench', 'audio', '--repeats', 'many'], { VIGIL_DATA_DIR: empty });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vigil: --repeats: must be a whole number from 1 to 50, not "many"/);
  });
});
