/**
 * Trains the temporal model: windows per video, a time split inside the training videos for early stopping,
 * a scaler fitted on the training windows, the recurrent network (BCE, Adam, gradient clipping by global norm,
 * reduce-on-plateau and early stopping on the validation AUC or loss, the best epoch's weights restored), the logistic baseline on the same
 * split, and both models' figures on the test windows. Pure computation: writing files is artifacts.ts's job.
 */
import seedrandom from 'seedrandom';
import { baselineFigures } from './baseline';
import type { TrainConfig } from './config';
import type { FeatureVideo } from './csv';
import { TemporalDataError } from './errors';
import { binaryCrossEntropy, binaryMetrics, rocAuc, type BinaryMetrics } from './metrics';
import { createNetwork, disposeNetwork, forward, predict, readWeights, variablesOf, writeWeights, type NetworkWeights } from './network';
import { applyScaler, fitScaler, type Scaler } from './scaler';
import { readyBackend, tf } from './tf-backend';
import { countLabels, splitInTime, windowsOfAll, type FeatureWindow } from './windows';

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number;
  readonly valAuc: number | null;
  readonly learningRate: number;
  readonly seconds: number;
}

export interface TrainInput {
  readonly train: readonly FeatureVideo[];
  readonly test: readonly FeatureVideo[];
  /** Names used in error messages (the folders the videos came from). */
  readonly trainSource: string;
  readonly testSource: string;
  readonly config: TrainConfig;
  readonly onEpoch?: (record: EpochRecord, maxEpochs: number) => void;
}

export interface TrainResult {
  readonly config: TrainConfig;
  readonly backend: string;
  readonly weights: NetworkWeights;
  readonly scaler: Scaler;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  /** Wall-clock seconds, and the CPU seconds this process used (the two differ on a busy machine). */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly windows: { readonly train: number; readonly validation: number; readonly test: number };
  readonly videos: { readonly train: readonly string[]; readonly test: readonly string[] };
  readonly metrics: { readonly validation: BinaryMetrics; readonly test: BinaryMetrics };
  /** Fitted on the network's training windows, as the network (validation and test are held out from both). */
  readonly baseline: { readonly validation: BinaryMetrics; readonly test: BinaryMetrics };
  /** The baseline fitted on every window of the training videos, validation part included (its own scaler): the
   * figure a baseline reaches when no validation part is held out, as in the "about 0.98". */
  readonly baselineAllTrain: { readonly test: BinaryMetrics };
  /** The test windows (raw, unscaled) and the trained network's probabilities for them, for export checks. */
  readonly testWindows: readonly FeatureWindow[];
  readonly testScores: Float32Array;
}

function stack(windows: readonly FeatureWindow[], scaler: Scaler): { x: Float32Array; y: Float32Array } {
  const size = windows[0]?.values.length ?? 0;
  const x = new Float32Array(windows.length * size);
  const y = new Float32Array(windows.length);
  windows.forEach((w, i) => {
    x.set(applyScaler(w.values, scaler), i * size);
    y[i] = w.label;
  });
  return { x, y };
}

export function requireWindows(windows: readonly FeatureWindow[], videos: readonly FeatureVideo[], source: string, window: number): void {
  if (windows.length > 0) return;
  const longest = videos.reduce((m, v) => Math.max(m, v.rows.length), 0);
  throw new TemporalDataError(source, `too few rows for one window: a window needs ${window} frames of one video, the longest video here has ${longest}`);
}

export function requireBothClasses(windows: readonly FeatureWindow[], source: string, what: string): void {
  const { positive, negative } = countLabels(windows);
  if (positive === 0 || negative === 0) {
    const only = positive === 0 ? 'not cheating (0)' : 'cheating (1)';
    throw new TemporalDataError(source, `single-class ${what}: all ${windows.length} windows are ${only}; it needs windows of both classes`);
  }
}

/** Per-window loss weights: all 1, or scikit-learn's "balanced" n / (2 * n_class). */
export function classWeights(labels: Float32Array, mode: TrainConfig['classWeight']): Float32Array {
  const out = new Float32Array(labels.length).fill(1);
  if (mode === 'none') return out;
  const positive = labels.reduce((sum, y) => sum + y, 0);
  const negative = labels.length - positive;
  for (let i = 0; i < labels.length; i++) out[i] = labels.length / (2 * (labels[i] === 1 ? positive : negative));
  return out;
}

export async function trainTemporal(input: TrainInput): Promise<TrainResult> {
  const { config } = input;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const backend = await readyBackend();

  const all = windowsOfAll(input.train, config.window, config.overlap);
  requireWindows(all, input.train, input.trainSource, config.window);
  const testWindows = windowsOfAll(input.test, config.window, config.overlap);
  requireWindows(testWindows, input.test, input.testSource, config.window);
  const { train, validation } = splitInTime(all, config.validationFraction);
  if (validation.length === 0) throw new TemporalDataError(input.trainSource, `too few windows to hold out a validation part: a video needs at least ${Math.round(1 / config.validationFraction)} windows`);
  requireBothClasses(train, input.trainSource, 'training split');
  requireBothClasses(testWindows, input.testSource, 'test set');
  if (config.monitor === 'auc') requireBothClasses(validation, input.trainSource, 'validation part');

  const fit = await fitNetwork({ train, validation, config, onEpoch: input.onEpoch, alsoScore: testWindows });
  const { trainSet, valSet, scaler } = fit;
  const testSet = stack(testWindows, scaler);
  const testScores = fit.alsoScores;
  const shape = { steps: config.window, width: config.columns.length, threshold: config.threshold };
  const baseline = baselineFigures(trainSet, { validation: valSet, test: testSet }, shape);
  const allScaler = fitScaler(all.map((w) => w.values), shape.width, config.inputClip);
  const baselineAllTrain = baselineFigures(stack(all, allScaler), { test: stack(testWindows, allScaler) }, shape);
  return {
    config,
    backend,
    weights: fit.weights,
    scaler,
    history: fit.history,
    bestEpoch: fit.bestEpoch,
    stoppedEarly: fit.stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpuStart),
    windows: { train: train.length, validation: validation.length, test: testWindows.length },
    videos: { train: input.train.map((v) => v.id), test: input.test.map((v) => v.id) },
    metrics: { validation: binaryMetrics(fit.valScores, valSet.y, config.threshold), test: binaryMetrics(testScores, testSet.y, config.threshold) },
    baseline,
    baselineAllTrain,
    testWindows,
    testScores,
  };
}

/** CPU seconds (user + system) this process used since `start`. */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export interface FitInput {
  /** Windows already split; both parts need both classes when the AUC is monitored. */
  readonly train: readonly FeatureWindow[];
  readonly validation: readonly FeatureWindow[];
  readonly config: TrainConfig;
  readonly onEpoch?: (record: EpochRecord, maxEpochs: number) => void;
  /** Further windows to score with the restored best weights (the test windows), scaled by the fitted scaler. */
  readonly alsoScore?: readonly FeatureWindow[];
}

export interface FitResult {
  readonly scaler: Scaler;
  readonly weights: NetworkWeights;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  /** The scaled training and validation windows (what the baseline is fitted and measured on). */
  readonly trainSet: { readonly x: Float32Array; readonly y: Float32Array };
  readonly valSet: { readonly x: Float32Array; readonly y: Float32Array };
  /** The restored network's probabilities for the validation windows and for `alsoScore`. */
  readonly valScores: Float32Array;
  readonly alsoScores: Float32Array;
}

/**
 * Fits the scaler on `train` and the network on its scaled windows, watching `validation` for the plateau
 * schedule, early stopping and the best epoch, whose weights are restored. The one training loop, shared by the
 * model command and cross-validation, so a fold trains exactly as the model does. The backend must be ready.
 */
export async function fitNetwork(input: FitInput): Promise<FitResult> {
  const { config, train, validation } = input;
  const width = config.columns.length;
  const steps = config.window;
  const scaler = fitScaler(train.map((w) => w.values), width, config.inputClip);
  const trainSet = stack(train, scaler);
  const valSet = stack(validation, scaler);

  const net = createNetwork(config.model, width, config.hidden, config.layers, config.seed);
  const variables = variablesOf(net);
  const rng = seedrandom(`temporal-train-${config.seed}`);
  const nextSeed = () => Math.floor(rng() * 2 ** 31);
  const optimizer = tf.train.adam(config.learningRate);
  // AdamOptimizer reads learningRate on every step; it is `protected` in the typings only. Rebuilding the
  // optimizer instead would throw away its moment estimates at each plateau.
  const lr = optimizer as unknown as { learningRate: number };

  const history: EpochRecord[] = [];
  // The monitored figures as costs, lower is better, compared in order: [1 - AUC, loss] or [loss]. Equal AUCs
  // are common once the validation windows are told apart perfectly (AUC 1 from some epoch on), and then the
  // loss, i.e. how confidently they are told apart, decides.
  const cost = (r: EpochRecord): number[] => (config.monitor === 'auc' ? [1 - (r.valAuc ?? 0), r.valLoss] : [r.valLoss]);
  // PyTorch's ReduceLROnPlateau default threshold: an improvement is a relative drop of more than `relative`.
  const improves = (a: readonly number[], b: readonly number[], relative = 0): boolean => {
    for (let i = 0; i < a.length; i++) {
      if (a[i]! < b[i]! * (1 - relative)) return true;
      if (a[i]! !== b[i]!) return false;
    }
    return false;
  };
  const sampleWeight = classWeights(trainSet.y, config.classWeight);
  const never = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  let best = { cost: never, epoch: 0, weights: readWeights(net) };
  let plateauBest = never;
  let plateauWait = 0;
  let stoppedEarly = false;
  const size = steps * width;
  const order = Array.from({ length: train.length }, (_, i) => i);

  try {
    for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
      const epochStart = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0;
      for (let start = 0; start < order.length; start += config.batchSize) {
        const batch = order.slice(start, start + config.batchSize);
        const xb = new Float32Array(batch.length * size);
        const yb = new Float32Array(batch.length);
        const wb = new Float32Array(batch.length);
        batch.forEach((k, i) => {
          xb.set(trainSet.x.subarray(k * size, (k + 1) * size), i * size);
          yb[i] = trainSet.y[k]!;
          wb[i] = sampleWeight[k]!;
        });
        const batchLoss = tf.tidy(() => {
          const x = tf.tensor3d(xb, [batch.length, steps, width]);
          const y = tf.tensor2d(yb, [batch.length, 1]);
          const w = tf.tensor2d(wb, [batch.length, 1]);
          // Mean of the weighted per-window losses (every weight is non-zero, so SUM_BY_NONZERO_WEIGHTS divides by the batch size).
          const { value, grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, forward(net, x, { dropout: config.dropout, nextSeed }), w) as tf.Scalar, variables);
          const names = Object.keys(grads);
          const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
          const scale = tf.div(config.clipNorm, tf.maximum(norm, config.clipNorm));
          optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, scale)])));
          return value;
        });
        lossSum += (batchLoss.dataSync() as Float32Array)[0]! * batch.length;
        batchLoss.dispose();
      }

      const valScores = predict(net, valSet.x, validation.length, steps);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / train.length,
        valLoss: binaryCrossEntropy(valScores, valSet.y),
        valAuc: rocAuc(valScores, valSet.y),
        learningRate: lr.learningRate,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(record);
      input.onEpoch?.(record, config.maxEpochs);
      // An epoch is one long synchronous stretch; yielding here lets signals (Ctrl-C) and I/O be handled.
      await new Promise((resolve) => setImmediate(resolve));

      const current = cost(record);
      if (improves(current, best.cost)) best = { cost: current, epoch, weights: readWeights(net) };
      if (improves(current, plateauBest, 1e-4)) {
        plateauBest = current;
        plateauWait = 0;
      } else if (++plateauWait > config.plateauPatience) {
        lr.learningRate *= config.plateauFactor;
        plateauWait = 0;
      }
      if (epoch - best.epoch >= config.earlyStoppingPatience) {
        stoppedEarly = epoch < config.maxEpochs;
        break;
      }
    }

    writeWeights(net, best.weights);
    const extra = input.alsoScore ?? [];
    return {
      scaler,
      weights: best.weights,
      history,
      bestEpoch: best.epoch,
      stoppedEarly,
      trainSet,
      valSet,
      valScores: predict(net, valSet.x, validation.length, steps),
      alsoScores: extra.length > 0 ? predict(net, stack(extra, scaler).x, extra.length, steps) : new Float32Array(0),
    };
  } finally {
    optimizer.dispose();
    disposeNetwork(net);
  }
}
