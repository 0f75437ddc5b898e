/**
 * Builds models/*.onnx and models/manifest.json from the pinned npm package. Deterministic: the same package
 * version gives the same bytes (no timestamps; nodes and attributes in a fixed order).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { loadVerifiedModel, sileroManifestEntry } from '../../app/engine/audio/vad-model';
import { loadVerifiedTextModel, textManifestEntry } from '../../app/engine/vision/text-model';
import { readObjectCalibration } from '../../app/engine/vision/score-calibration';
import { CATALOG, SOURCE_PACKAGE, type CatalogEntry } from './catalog';
import { HUMAN_MODELS, requireHumanModels } from './human-models';
import { Manifest, type ManifestEntry } from './manifest';
import { readTfjsGraph } from './tfjs-graph';
import { CONVERTER_VERSION, OPSET, convertGraph } from './to-onnx';

const require = createRequire(import.meta.url);

/** Folder of the installed source package (its package.json is not exported, so resolve the entry and walk up). */
export function sourcePackageDir(): string {
  let dir = dirname(require.resolve(SOURCE_PACKAGE));
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes(`"name": "${SOURCE_PACKAGE}"`)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${SOURCE_PACKAGE} package`);
    dir = parent;
  }
  return dir;
}

const PackageJson = z.object({ version: z.string(), license: z.string() });

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
// The committed calibration is part of the recipe: a refitted calibration rewrites the manifest entry.
const recipeOf = (entry: CatalogEntry) => sha256(JSON.stringify({ entry, converter: CONVERTER_VERSION, opset: OPSET, calibration: readObjectCalibration(entry.name) }));

/** The model.json of a catalog entry, and the package and version it came from. */
export function sourceOf(entry: CatalogEntry): { jsonPath: string; package: string; version: string; licence: string } {
  if (entry.from === 'human-models') return { jsonPath: join(requireHumanModels(), entry.source), package: HUMAN_MODELS.package, version: HUMAN_MODELS.version, licence: HUMAN_MODELS.licence };
  const pkgDir = sourcePackageDir();
  const pkg = PackageJson.parse(JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')));
  return { jsonPath: join(pkgDir, entry.source), package: SOURCE_PACKAGE, version: pkg.version, licence: pkg.license };
}

export function buildModel(entry: CatalogEntry, outDir: string): ManifestEntry {
  const { jsonPath, ...pkg } = sourceOf(entry);
  const calibration = readObjectCalibration(entry.name);
  const converted = convertGraph(readTfjsGraph(jsonPath), { name: entry.name, outputs: entry.outputs, nchwInput: entry.nchwInput, inputShape: entry.inputShape });
  const file = `${entry.name}.onnx`;
  // Write then rename, so a reader never sees half a model.
  const tmp = join(outDir, `.${file}.tmp`);
  writeFileSync(tmp, converted.bytes);
  renameSync(tmp, join(outDir, file));
  return {
    name: entry.name,
    file,
    purpose: entry.purpose,
    recipe: recipeOf(entry),
    source: { package: pkg.package, version: pkg.version, path: entry.source, sha256: sha256(readFileSync(jsonPath)) },
    licence: pkg.licence,
    sha256: sha256(converted.bytes),
    bytes: converted.bytes.length,
    inputs: converted.inputs,
    outputs: converted.outputs,
    ...(calibration ? { calibration } : {}),
  };
}

/** Models that are ONNX already: copied unchanged (their owners check the sha256 at load), listed in the manifest. */
const COPIED: readonly { entry: ManifestEntry; bytes: () => Uint8Array }[] = [
  { entry: sileroManifestEntry, bytes: () => loadVerifiedModel() },
  { entry: textManifestEntry, bytes: loadVerifiedTextModel },
];

export function buildModels(outDir: string, onModel: (name: string, index: number, total: number) => void = () => {}): Manifest {
  mkdirSync(outDir, { recursive: true });
  const total = CATALOG.length + COPIED.length;
  const models = CATALOG.map((entry, i) => {
    onModel(entry.name, i, total);
    return buildModel(entry, outDir);
  });
  COPIED.forEach(({ entry, bytes }, i) => {
    onModel(entry.name, CATALOG.length + i, total);
    writeFileSync(join(outDir, entry.file), bytes());
    models.push(entry);
  });
  const manifest: Manifest = { converter: { version: CONVERTER_VERSION, opset: OPSET }, models };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(Manifest.parse(manifest), null, 2)}\n`);
  return manifest;
}

/** Reads models/manifest.json, or null when it is missing or not valid. */
export function readManifest(outDir: string): Manifest | null {
  try {
    const parsed = Manifest.safeParse(JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** True when every catalogued model is listed in the manifest, present, and its bytes match the recorded sha256. */
export function modelsUpToDate(outDir: string): boolean {
  const manifest = readManifest(outDir);
  if (!manifest || manifest.converter.version !== CONVERTER_VERSION) return false;
  const fresh = (m: ManifestEntry | undefined, recipe: string) => m !== undefined && m.recipe === recipe && existsSync(join(outDir, m.file)) && sha256(readFileSync(join(outDir, m.file))) === m.sha256;
  return (
    CATALOG.every((entry) => fresh(manifest.models.find((x) => x.name === entry.name), recipeOf(entry))) &&
    COPIED.every(({ entry }) => fresh(manifest.models.find((x) => x.name === entry.name), entry.recipe))
  );
}

/**
 * Why at load time rather than postinstall: npm 11 blocks install scripts, and a fresh clone or a wiped models/
 * must still work. Conversion takes about two seconds, so the engine simply calls this before loading a session.
 */
export function ensureModels(outDir: string, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Manifest {
  const stamp = filesStamp(outDir);
  const known = verified.get(outDir);
  if (known && known.stamp === stamp) return known.manifest;
  let manifest: Manifest;
  if (modelsUpToDate(outDir)) manifest = readManifest(outDir)!;
  else {
    log(`vigil: models missing or stale in ${outDir}; converting from ${SOURCE_PACKAGE} (npm run models)`);
    manifest = buildModels(outDir);
  }
  verified.set(outDir, { stamp: filesStamp(outDir), manifest });
  return manifest;
}

/**
 * Folders whose files were hashed in this process, with the size and mtime of every file then: a pipeline opens
 * its models in three groups, and hashing some 60 MB three times over would be most of its start-up.
 */
const verified = new Map<string, { stamp: string; manifest: Manifest }>();

function filesStamp(outDir: string): string {
  if (!existsSync(outDir)) return '';
  return readdirSync(outDir)
    .sort()
    .map((f) => {
      const s = statSync(join(outDir, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    })
    .join('|');
}
