/**
 * Proof of conversion: every ONNX model against its TensorFlow.js original (tfjs-core + tfjs-converter on the CPU
 * backend), on real photos shipped in @vladmandic/human/assets, same input tensor, outputs compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../app/engine/media/frames';
import { cropToTensor, toGray, type Crop, type Normalise } from '../../app/engine/vision/image-ops';
import { buildModels, sourceOf, sourcePackageDir } from './build-models';
import { CATALOG } from './catalog';
import type { Manifest } from './manifest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

async function loadTfjs(jsonPath: string): Promise<GraphModel> {
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { modelTopology: object; format?: string; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(jsonPath, '..', p)))));
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return loadGraphModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData, format: json.format }) });
}

const assets = () => join(sourcePackageDir(), 'assets');

/** Which photo region and normalisation each model sees (the same as the live pipeline gives it). */
const INPUTS: Record<string, { image: string; crop: Crop | 'whole'; norm: Normalise; gray?: boolean; nchw?: boolean; int32?: boolean }> = {
  blazeface: { image: 'screenshot-faceid.jpg', crop: 'whole', norm: { scale: 1 / 127.5, offset: -1 } },
  facemesh: { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1 / 255, offset: 0 } },
  iris: { image: 'screenshot-faceid.jpg', crop: { cx: 75, cy: 185, w: 40, h: 40, angle: 0 }, norm: { scale: 1 / 255, offset: 0 } },
  centernet: { image: 'samples.jpg', crop: 'whole', norm: { scale: 1, offset: 0 } },
  antispoof: { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1 / 255, offset: 0 } },
  liveness: { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1 / 255, offset: 0 } },
  emotion: { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1, offset: 0 }, gray: true },
  faceres: { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1, offset: 0 } },
  // NanoDet's graph takes NCHW (it came from ONNX): the same pixels, planes first.
  nanodet: { image: 'samples.jpg', crop: 'whole', norm: { scale: 1 / 57, offset: -2 }, nchw: true },
  mobilefacenet: { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1 / 255, offset: 0 } },
  mobileface: { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1 / 255, offset: 0 } },
  'faceres-deep': { image: 'screenshot-faceid.jpg', crop: { cx: 100, cy: 205, w: 170, h: 170, angle: 0 }, norm: { scale: 1, offset: 0 } },
  // MoveNet's graph takes int32 pixels; the ONNX model takes the same whole numbers as float32.
  'movenet-multipose': { image: 'samples.jpg', crop: 'whole', norm: { scale: 1, offset: 0 }, int32: true },
};

/** NHWC pixels to NCHW planes. */
function toNchw(nhwc: Float32Array, h: number, w: number): Float32Array {
  const out = new Float32Array(nhwc.length);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) out[c * h * w + i] = nhwc[i * 3 + c]!;
  return out;
}

describe('each converted model matches its TensorFlow.js original on real photos', () => {
  let manifest: Manifest;
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'vigil-parity-'));
    manifest = buildModels(dir);
  });

  for (const entry of CATALOG) {
    it(`${entry.name}: every output within 1e-4 of the output's range`, async () => {
      const m = manifest.models.find((x) => x.name === entry.name)!;
      const spec = INPUTS[entry.name]!;
      const shape = m.inputs[0]!.shape.map((d) => (d < 0 ? 1 : d));
      const [h, w, c] = (spec.nchw ? [shape[2], shape[3], shape[1]] : shape.slice(1)) as [number, number, number];
      const frame = await readImage(join(assets(), spec.image));
      const crop = spec.crop === 'whole' ? { cx: frame.width / 2, cy: frame.height / 2, w: Math.max(frame.width, frame.height), h: Math.max(frame.width, frame.height), angle: 0 } : spec.crop;
      const rgb = cropToTensor(frame, crop, w, h, spec.norm);
      const input = c === 1 ? toGray(rgb, w * h).map((g) => (g / 255 - 0.5) * 2) : spec.nchw ? toNchw(rgb, h, w) : spec.int32 ? rgb.map(Math.round) : rgb;

      const model = await loadTfjs(sourceOf(entry).jsonPath);
      const names = m.outputs.map((o) => o.name);
      const expected = tf.tidy(() => {
        const out = model.execute(spec.int32 ? tf.tensor(Int32Array.from(input), shape, 'int32') : tf.tensor(input, shape), names);
        return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
      });

      const session = await ort.InferenceSession.create(join(dir, m.file));
      const actual = await session.run({ [m.inputs[0]!.name]: new ort.Tensor('float32', input, shape) });
      names.forEach((name, i) => {
        const want = expected[i]!;
        const got = actual[name]!.data as Float32Array;
        expect(got.length).toBe(want.length);
        let range = 0;
        let worst = 0;
        for (let k = 0; k < want.length; k++) {
          range = Math.max(range, Math.abs(want[k]!));
          worst = Math.max(worst, Math.abs(want[k]! - got[k]!));
        }
        expect(range).toBeGreaterThan(0);
        expect(worst, `${name}: max |diff| ${worst} over range ${range}`).toBeLessThanOrEqual(1e-4 * Math.max(range, 1));
      });
      await session.release();
      model.dispose();
      // TensorFlow.js's CPU backend takes 15-90 s for CenterNet and NanoDet on a busy two-core machine.
    }, 240_000);
  }
});
