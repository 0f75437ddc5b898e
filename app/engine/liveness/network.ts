/**
 * The temporal liveness transformer, written with tfjs-core ops (like temporal/network.ts) so that every step has
 * an ONNX op with the same semantics: a linear projection of each frame's scaled evidence to `embed` values plus a
 * learned position embedding, `layers` pre-norm encoder layers (multi-head self-attention over the 12 frames, then
 * a ReLU feed-forward of 2 x embed, each behind LayerNorm and a residual), a final LayerNorm, the mean over
 * frames, and one logit: the probability that the window shows a live face. Dropout on the projection and on both
 * residual branches while training.
 */
import seedrandom from 'seedrandom';
import { tf } from '../temporal/tf-backend';

export const LN_EPSILON = 1e-5;

export interface NetworkShape {
  readonly inputSize: number;
  readonly window: number;
  readonly embed: number;
  readonly heads: number;
  readonly layers: number;
  readonly ffn: number;
}

const LAYER_PARAMS = ['ln1g', 'ln1b', 'Wq', 'bq', 'Wk', 'bk', 'Wv', 'bv', 'Wo', 'bo', 'ln2g', 'ln2b', 'W1', 'b1', 'W2', 'b2'] as const;
export type LayerParam = (typeof LAYER_PARAMS)[number];

export interface LivenessNetwork {
  readonly shape: NetworkShape;
  readonly Wp: tf.Variable;
  readonly bp: tf.Variable;
  readonly pos: tf.Variable;
  readonly layers: readonly Record<LayerParam, tf.Variable>[];
  readonly lnfg: tf.Variable;
  readonly lnfb: tf.Variable;
  readonly Wh: tf.Variable;
  readonly bh: tf.Variable;
}

/** A plain copy of every weight (row-major, x·W layout): best-epoch snapshots and the ONNX export. */
export interface LivenessWeights {
  readonly shape: NetworkShape;
  readonly tensors: Record<string, { dims: number[]; data: Float32Array }>;
}

export function createNetwork(shape: NetworkShape, seed: number): LivenessNetwork {
  const rng = seedrandom(`liveness-init-${seed}`);
  const v = (dims: number[], init: 'xavier' | 'zeros' | 'ones' | 'small') => {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const bound = init === 'xavier' ? Math.sqrt(6 / (dims[0]! + dims[1]!)) : 0.02 * Math.sqrt(3);
    for (let i = 0; i < size; i++) data[i] = init === 'zeros' ? 0 : init === 'ones' ? 1 : (rng() * 2 - 1) * bound;
    return tf.variable(tf.tensor(data, dims));
  };
  const { inputSize: D, embed: E, ffn: F, window: T } = shape;
  const layers = Array.from({ length: shape.layers }, () => ({
    ln1g: v([E], 'ones'), ln1b: v([E], 'zeros'),
    Wq: v([E, E], 'xavier'), bq: v([E], 'zeros'), Wk: v([E, E], 'xavier'), bk: v([E], 'zeros'), Wv: v([E, E], 'xavier'), bv: v([E], 'zeros'),
    Wo: v([E, E], 'xavier'), bo: v([E], 'zeros'),
    ln2g: v([E], 'ones'), ln2b: v([E], 'zeros'),
    W1: v([E, F], 'xavier'), b1: v([F], 'zeros'), W2: v([F, E], 'xavier'), b2: v([E], 'zeros'),
  }));
  return { shape, Wp: v([D, E], 'xavier'), bp: v([E], 'zeros'), pos: v([T, E], 'small'), layers, lnfg: v([E], 'ones'), lnfb: v([E], 'zeros'), Wh: v([E, 1], 'xavier'), bh: v([1], 'zeros') };
}

export function namedVariables(net: LivenessNetwork): [string, tf.Variable][] {
  return [
    ['Wp', net.Wp], ['bp', net.bp], ['pos', net.pos],
    ...net.layers.flatMap((l, i) => LAYER_PARAMS.map((p) => [`l${i}_${p}`, l[p]] as [string, tf.Variable])),
    ['lnfg', net.lnfg], ['lnfb', net.lnfb], ['Wh', net.Wh], ['bh', net.bh],
  ];
}

function layerNorm(x: tf.Tensor3D, g: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), g), b) as tf.Tensor3D;
}

/** [B, T, I] · [I, O] + [O] as one 2-D product. */
function dense(x: tf.Tensor3D, W: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [B, T, I] = x.shape;
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, I]), W as tf.Tensor2D), b), [B, T, W.shape[1]!]) as tf.Tensor3D;
}

export interface ForwardOptions {
  readonly dropout: number;
  /** A fresh seed per dropout mask while training; absent at inference. */
  readonly nextSeed?: () => number;
}

/** Logits [batch, 1] for scaled windows [batch, window, inputSize]. */
export function forward(net: LivenessNetwork, x: tf.Tensor3D, o: ForwardOptions): tf.Tensor2D {
  const { heads, embed: E } = net.shape;
  const dh = E / heads;
  const drop = (t: tf.Tensor3D) => (o.nextSeed && o.dropout > 0 ? (tf.dropout(t, o.dropout, undefined, o.nextSeed()) as tf.Tensor3D) : t);
  const [B, T] = x.shape;
  let h = drop(tf.add(dense(x, net.Wp, net.bp), net.pos) as tf.Tensor3D);
  const split = (t: tf.Tensor3D) => tf.transpose(tf.reshape(t, [B, T, heads, dh]), [0, 2, 1, 3]) as tf.Tensor4D;
  for (const l of net.layers) {
    const a = layerNorm(h, l.ln1g, l.ln1b);
    const q = split(dense(a, l.Wq, l.bq));
    const k = split(dense(a, l.Wk, l.bk));
    const v = split(dense(a, l.Wv, l.bv));
    const attention = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));
    const merged = tf.reshape(tf.transpose(tf.matMul(attention, v), [0, 2, 1, 3]), [B, T, E]) as tf.Tensor3D;
    h = tf.add(h, drop(dense(merged, l.Wo, l.bo))) as tf.Tensor3D;
    const f = layerNorm(h, l.ln2g, l.ln2b);
    h = tf.add(h, drop(dense(tf.relu(dense(f, l.W1, l.b1)) as tf.Tensor3D, l.W2, l.b2))) as tf.Tensor3D;
  }
  const pooled = tf.mean(layerNorm(h, net.lnfg, net.lnfb), 1) as tf.Tensor2D;
  return tf.add(tf.matMul(pooled, net.Wh as tf.Tensor2D), net.bh) as tf.Tensor2D;
}

/** Live probabilities of `count` scaled windows stored row-major in `values`. */
export function predict(net: LivenessNetwork, values: Float32Array, count: number, batchSize = 256): Float32Array {
  const { window: T, inputSize: D } = net.shape;
  const out = new Float32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const p = tf.tidy(() => tf.sigmoid(forward(net, tf.tensor3d(values.subarray(start * T * D, (start + n) * T * D), [n, T, D]), { dropout: 0 })));
    out.set(p.dataSync(), start);
    p.dispose();
  }
  return out;
}

export function readWeights(net: LivenessNetwork): LivenessWeights {
  return { shape: net.shape, tensors: Object.fromEntries(namedVariables(net).map(([n, v]) => [n, { dims: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) }])) };
}

export function writeWeights(net: LivenessNetwork, w: LivenessWeights): void {
  for (const [n, v] of namedVariables(net)) tf.tidy(() => v.assign(tf.tensor(w.tensors[n]!.data, v.shape)));
}

export function disposeNetwork(net: LivenessNetwork): void {
  for (const [, v] of namedVariables(net)) v.dispose();
}
