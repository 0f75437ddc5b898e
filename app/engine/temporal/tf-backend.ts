/**
 * TensorFlow.js for training, on its WebAssembly backend (the .wasm files ship inside the npm package, so
 * nothing downloads); the pure-JavaScript CPU backend is the fallback. Not tfjs-node: it downloads libtensorflow.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let chosen: Promise<string> | undefined;

/** Selects the fastest available backend once per process and returns its name ('wasm' or 'cpu'). */
export function readyBackend(): Promise<string> {
  chosen ??= (async () => {
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
    } catch {
      // fall through to cpu: wasm could not be instantiated on this Node
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return chosen;
}

export { tf };
