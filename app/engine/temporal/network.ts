/**
 * The temporal network: stacked LSTM or GRU layers, dropout between them, and one logistic output unit.
 *
 * The recurrent cells are written with tfjs-core ops rather than tfjs-layers' LSTM/GRU layers because here
 * they train about twice as fast (one input projection per sequence instead of one per step; measured 355 vs
 * 630 ms per batch on the wasm backend), and because their semantics must match ONNX exactly: gates are kept
 * in ONNX's order (LSTM i, o, f, c; GRU z, r, h), gate activations are true sigmoids (tfjs-layers defaults to a
 * hard sigmoid), and the GRU applies its reset gate before the recurrent product (ONNX linear_before_reset=0).
 * Autodiff and Adam still come from TensorFlow.js.
 */
import seedrandom from 'seedrandom';
import { gatesOf, type RecurrentKind } from './config';
import { tf } from './tf-backend';

export interface RecurrentLayer {
  /** [input, gates*hidden]: x · W. */
  readonly W: tf.Variable;
  /** [hidden, gates*hidden]: h · R. */
  readonly R: tf.Variable;
  /** [gates*hidden], added once (ONNX's recurrence bias is exported as zeros). */
  readonly b: tf.Variable;
}

export interface TemporalNetwork {
  readonly kind: RecurrentKind;
  readonly inputSize: number;
  readonly hidden: number;
  readonly layers: readonly RecurrentLayer[];
  /** [hidden, 1] and [1]. */
  readonly denseW: tf.Variable;
  readonly denseB: tf.Variable;
}

/** A plain copy of every weight, in a fixed order: for best-epoch snapshots and for the ONNX export. */
export interface NetworkWeights {
  readonly kind: RecurrentKind;
  readonly inputSize: number;
  readonly hidden: number;
  readonly layers: readonly { W: Float32Array; R: Float32Array; b: Float32Array }[];
  readonly denseW: Float32Array;
  readonly denseB: Float32Array;
}

/** PyTorch's initialisation, U(-1/sqrt(hidden), 1/sqrt(hidden)) for every weight, drawn from a seeded stream. */
export function createNetwork(kind: RecurrentKind, inputSize: number, hidden: number, layerCount: number, seed: number): TemporalNetwork {
  const rng = seedrandom(`temporal-init-${seed}`);
  const uniform = (shape: number[], bound: number) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (rng() * 2 - 1) * bound;
    return tf.variable(tf.tensor(data, shape));
  };
  const gates = gatesOf(kind);
  const bound = 1 / Math.sqrt(hidden);
  const layers: RecurrentLayer[] = [];
  for (let l = 0; l < layerCount; l++) {
    const input = l === 0 ? inputSize : hidden;
    layers.push({ W: uniform([input, gates * hidden], bound), R: uniform([hidden, gates * hidden], bound), b: uniform([gates * hidden], bound) });
  }
  return { kind, inputSize, hidden, layers, denseW: uniform([hidden, 1], bound), denseB: uniform([1], bound) };
}

export function variablesOf(net: TemporalNetwork): tf.Variable[] {
  return [...net.layers.flatMap((l) => [l.W, l.R, l.b]), net.denseW, net.denseB];
}

function runLayer(kind: RecurrentKind, x: tf.Tensor3D, layer: RecurrentLayer, hidden: number, returnSequence: boolean): tf.Tensor {
  const [batch, steps, input] = x.shape;
  const gates = gatesOf(kind);
  const projected = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [batch * steps, input]), layer.W), layer.b), [batch, steps, gates * hidden]);
  const inputs = tf.unstack(projected, 1) as tf.Tensor2D[];
  let h = tf.zeros([batch, hidden]) as tf.Tensor2D;
  let c = tf.zeros([batch, hidden]) as tf.Tensor2D;
  const outputs: tf.Tensor2D[] = [];
  if (kind === 'lstm') {
    for (const xt of inputs) {
      const [i, o, f, g] = tf.split(tf.add(xt, tf.matMul(h, layer.R)), 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      outputs.push(h);
    }
  } else {
    const rZr = tf.slice(layer.R, [0, 0], [hidden, 2 * hidden]);
    const rH = tf.slice(layer.R, [0, 2 * hidden], [hidden, hidden]);
    for (const xt of inputs) {
      const [xZr, xH] = tf.split(xt, [2 * hidden, hidden], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [z, r] = tf.split(tf.sigmoid(tf.add(xZr, tf.matMul(h, rZr))), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const candidate = tf.tanh(tf.add(xH, tf.matMul(tf.mul(r, h), rH)));
      h = tf.add(tf.mul(tf.sub(1, z), candidate), tf.mul(z, h));
      outputs.push(h);
    }
  }
  return returnSequence ? tf.stack(outputs, 1) : h;
}

export interface ForwardOptions {
  readonly dropout: number;
  /** A fresh seed for each dropout mask while training; absent at inference (no dropout). */
  readonly nextSeed?: () => number;
}

/** Logits [batch, 1] for windows [batch, steps, inputSize] (already scaled). */
export function forward(net: TemporalNetwork, x: tf.Tensor3D, options: ForwardOptions): tf.Tensor2D {
  let h: tf.Tensor = x;
  net.layers.forEach((layer, l) => {
    h = runLayer(net.kind, h as tf.Tensor3D, layer, net.hidden, l < net.layers.length - 1);
    if (options.nextSeed && options.dropout > 0) h = tf.dropout(h, options.dropout, undefined, options.nextSeed());
  });
  return tf.add(tf.matMul(h as tf.Tensor2D, net.denseW), net.denseB);
}

/** Cheating probabilities for `count` scaled windows stored row-major in `values`. */
export function predict(net: TemporalNetwork, values: Float32Array, count: number, steps: number, batchSize = 256): Float32Array {
  const out = new Float32Array(count);
  const stride = steps * net.inputSize;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const probabilities = tf.tidy(() => {
      const x = tf.tensor3d(values.subarray(start * stride, (start + n) * stride), [n, steps, net.inputSize]);
      return tf.sigmoid(forward(net, x, { dropout: 0 }));
    });
    out.set(probabilities.dataSync(), start);
    probabilities.dispose();
  }
  return out;
}

export function readWeights(net: TemporalNetwork): NetworkWeights {
  const copy = (v: tf.Variable) => Float32Array.from(v.dataSync() as Float32Array);
  return {
    kind: net.kind,
    inputSize: net.inputSize,
    hidden: net.hidden,
    layers: net.layers.map((l) => ({ W: copy(l.W), R: copy(l.R), b: copy(l.b) })),
    denseW: copy(net.denseW),
    denseB: copy(net.denseB),
  };
}

export function writeWeights(net: TemporalNetwork, weights: NetworkWeights): void {
  const assign = (v: tf.Variable, data: Float32Array) => tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  net.layers.forEach((l, i) => {
    const w = weights.layers[i]!;
    assign(l.W, w.W);
    assign(l.R, w.R);
    assign(l.b, w.b);
  });
  assign(net.denseW, weights.denseW);
  assign(net.denseB, weights.denseB);
}

export function disposeNetwork(net: TemporalNetwork): void {
  for (const v of variablesOf(net)) v.dispose();
}
