import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, 'vigil.mjs');

function vigil(args: string[], env: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: home, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vigil CLI', () => {
  it('prints help listing its commands', () => {
    const { code, stdout } = vigil(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: vigil/);
    expect(stdout).toMatch(/doctor/);
  });

  it('doctor --json reports each check with a status and evidence', () => {
    const { code, stdout } = vigil(['doctor', '--json'], { VIGIL_DATA_DIR: join(tmpdir(), 'no-such-data') });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; checks: { id: string; status: string; evidence: object }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['node', 'sqlite', 'onnxruntime', 'models', 'data_folder', 'evaluation_data']));
    expect(report.checks.find((c) => c.id === 'sqlite')?.status).toBe('ok');
    expect(report.checks.find((c) => c.id === 'evaluation_data')).toMatchObject({ status: 'warn', evidence: { path: join(tmpdir(), 'no-such-data') } });
  });

  it('doctor fails with exit 1 when the data folder cannot be written', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'vigil-cli-')), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const { code, stdout } = vigil(['doctor'], { VIGIL_HOME: join(blocker, 'vigil') });
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL\s+data_folder .* is not writable/);
  });

  it('answers an unknown command with one line and exit 2', () => {
    const { code, stderr } = vigil(['analyse-everything']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe("vigil: unknown command 'analyse-everything'");
  });

  it('loads neither TensorFlow.js, Playwright nor the tus client until a command that needs them runs', () => {
    // Every command module is imported to build the program, and `vigil bench vision` measures the process's RSS:
    // TensorFlow.js (liveness training) and playwright-core (bench live) once added about 190 MB to every command,
    // tus-js-client (evidence upload) about 5.
    const script = `
      import { createRequire } from 'node:module';
      process.argv = [process.argv[0], 'vigil', '--version'];
      await import(${JSON.stringify(join(import.meta.dirname, 'main.ts'))});
      const loaded = Object.keys(createRequire(import.meta.url).cache).map((k) => k.match(/node_modules\\/((@[^/]+\\/)?[^/]+)/)?.[1]);
      process.stdout.write(JSON.stringify([...new Set(loaded.filter(Boolean))]) + '\\n');`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: mkdtempSync(join(tmpdir(), 'vigil-cli-')) } });
    expect(result.status, result.stderr).toBe(0);
    const packages = JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
    expect(packages).toContain('commander');
    expect(packages.filter((p) => p.startsWith('@tensorflow/') || p === 'playwright-core' || p === 'tus-js-client')).toEqual([]);
  });
});
