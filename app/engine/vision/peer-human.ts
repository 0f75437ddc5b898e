/**
 * The benchmark peer: @vladmandic/human (the same models, un-converted) on TensorFlow.js with the WASM backend,
 * configured for the same work as our pipeline. Its .wasm files and models are read from node_modules; nothing
 * is fetched. Needs the dev dependencies @tensorflow/tfjs-core, -converter and -backend-wasm.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { sourcePackageDir } from '../../../models/convert/build-models';
import type { RgbFrame } from '../media/frames';

const require = createRequire(import.meta.url);
let routerRegistered = false;

interface Tensor {
  dispose(): void;
}
interface TfCore {
  tensor(data: Uint8Array | Int32Array, shape: number[], dtype: 'int32'): Tensor;
  getBackend(): string;
  version_core: string;
  io: { registerLoadRouter(router: (url: string | string[]) => unknown): void };
  env(): { getBool(flag: string): boolean };
}
interface HumanResult {
  face: unknown[];
  object: unknown[];
}
interface HumanInstance {
  load(): Promise<void>;
  detect(input: Tensor): Promise<HumanResult>;
  version: string;
}

const ModelJson = z.object({
  modelTopology: z.unknown(),
  format: z.string().optional(),
  signature: z.unknown().optional(),
  userDefinedMetadata: z.unknown().optional(),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(z.unknown()) })),
});

function fileLoader(url: string) {
  const path = fileURLToPath(url);
  return {
    load: async () => {
      const json = ModelJson.parse(JSON.parse(readFileSync(path, 'utf8')));
      const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p)))));
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      };
    },
  };
}

export interface Peer {
  name: string;
  detect(frame: RgbFrame): Promise<{ faces: number; objects: number }>;
}

/** `full`: the same work as our live pipeline; `faceCore`: detector, mesh and iris only. */
export async function openHumanPeer(scope: 'full' | 'faceCore' = 'full'): Promise<Peer> {
  let tf: TfCore;
  try {
    tf = require('@tensorflow/tfjs-core') as TfCore;
    require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch {
    throw new Error('bench vision: the peer needs the dev dependencies @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm (npm install)');
  }
  // human's Node build loads models by URL; file:// is answered from node_modules here.
  if (!routerRegistered) tf.io.registerLoadRouter((url) => (typeof url === 'string' && url.startsWith('file://') ? fileLoader(url) : null));
  routerRegistered = true;
  const full = scope === 'full';
  const pkg = sourcePackageDir();
  const { Human } = require(join(pkg, 'dist', 'human.node-wasm.js')) as { Human: new (config: object) => HumanInstance };
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`,
    modelBasePath: `file://${join(pkg, 'models')}/`,
    debug: false,
    // Every frame is processed (no whole-frame cache), but human keeps its own per-model frame skipping, its
    // equivalent of our tracking and lower rates.
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: { enabled: true, detector: { rotation: true }, mesh: { enabled: true }, iris: { enabled: true }, attention: { enabled: false }, antispoof: { enabled: full }, liveness: { enabled: full }, emotion: { enabled: full }, description: { enabled: full } },
    object: { enabled: full, modelPath: 'centernet.json' },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  await human.load();
  return {
    name: `@vladmandic/human ${human.version} on TensorFlow.js ${tf.version_core} (${tf.getBackend()}${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ', SIMD' : ''})`,
    async detect(frame) {
      const input = tf.tensor(frame.data, [1, frame.height, frame.width, 3], 'int32');
      try {
        const r = await human.detect(input);
        return { faces: r.face.length, objects: r.object.length };
      } finally {
        input.dispose();
      }
    },
  };
}
