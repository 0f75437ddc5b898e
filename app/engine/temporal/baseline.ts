/**
 * The baseline the issue compares against: logistic regression on each window's per-column means (of the
 * scaled frames, so both models see the same inputs), with scikit-learn's default L2 penalty (C = 1), fitted
 * by full-batch Adam from zeros: deterministic and converged well within its fixed number of steps for the
 * handful of columns involved.
 */
import { binaryMetrics, type BinaryMetrics } from './metrics';
import { tf } from './tf-backend';

export interface LogisticModel {
  readonly weights: Float32Array;
  readonly bias: number;
}

/** Per-column means of `count` windows of `steps` x `width` values. */
export function windowMeans(values: Float32Array, count: number, steps: number, width: number): Float32Array {
  const out = new Float32Array(count * width);
  for (let w = 0; w < count; w++) {
    for (let s = 0; s < steps; s++) {
      for (let j = 0; j < width; j++) out[w * width + j]! += values[(w * steps + s) * width + j]! / steps;
    }
  }
  return out;
}

export function fitLogistic(features: Float32Array, labels: Float32Array, width: number, options: { c?: number; steps?: number } = {}): LogisticModel {
  const n = labels.length;
  const c = options.c ?? 1;
  const steps = options.steps ?? 600;
  const w = tf.variable(tf.zeros([width, 1]));
  const b = tf.variable(tf.zeros([1]));
  const x = tf.tensor2d(features, [n, width]);
  const y = tf.tensor2d(labels, [n, 1]);
  const optimizer = tf.train.adam(0.05);
  // scikit-learn minimises 0.5*|w|^2 + C*sum(logloss); divided by C*n that is mean logloss + |w|^2 / (2*C*n).
  const penalty = 1 / (2 * c * n);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.add(tf.losses.sigmoidCrossEntropy(y, tf.add(tf.matMul(x, w), b)), tf.mul(penalty, tf.sum(tf.square(w)))) as tf.Scalar);
  }
  const model = { weights: Float32Array.from(w.dataSync() as Float32Array), bias: (b.dataSync() as Float32Array)[0]! };
  tf.dispose([w, b, x, y]);
  optimizer.dispose();
  return model;
}

export function predictLogistic(model: LogisticModel, features: Float32Array, width: number): Float32Array {
  const n = features.length / width;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = model.bias;
    for (let j = 0; j < width; j++) z += model.weights[j]! * features[i * width + j]!;
    out[i] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

interface WindowSet {
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/** The baseline fitted on `train`'s window means and measured on each of `sets`. */
export function baselineFigures<K extends string>(train: WindowSet, sets: Record<K, WindowSet>, shape: { steps: number; width: number; threshold: number }): Record<K, BinaryMetrics> {
  const { steps, width, threshold } = shape;
  const means = (s: WindowSet) => windowMeans(s.x, s.y.length, steps, width);
  const model = fitLogistic(means(train), train.y, width);
  const out = {} as Record<K, BinaryMetrics>;
  for (const key of Object.keys(sets) as K[]) out[key] = binaryMetrics(predictLogistic(model, means(sets[key]), width), sets[key].y, threshold);
  return out;
}
