/**
 * Trains the liveness transformer on the evidence of whole sequences. Each training step takes pairs of
 * overlapping windows (a window and the one 6 frames later in the same sequence): weighted binary cross-entropy
 * on both, plus `consistency` (0.1) times the squared difference of their live probabilities (the seed's temporal
 * consistency term: two windows sharing half their frames should agree). Every frame of a training window comes
 * from the original or, with probability `augmentProbability`, from an augmented copy (augment.ts), and with
 * probability `dropProbability` a window skips one or two frames (frame dropping). Adam, gradient clipping by
 * global norm, early stopping on the validation windows' ROC AUC (ties: validation loss) with the best epoch's
 * weights restored. Validation sequences belong to subjects the training never sees (the caller splits by subject).
 */
import seedrandom from 'seedrandom';
import { binaryCrossEntropy, rocAuc } from '../temporal/metrics';
import { fitScaler, applyScaler, type Scaler } from '../temporal/scaler';
import { readyBackend, tf } from '../temporal/tf-backend';
import type { EpochRecord } from '../temporal/trainer';
import type { SequenceEvidence } from './dataset';
import { EVIDENCE_DIM } from './evidence';
import { chooseThreshold } from './metrics';
import { createNetwork, disposeNetwork, forward, namedVariables, predict, readWeights, writeWeights, type LivenessWeights, type NetworkShape } from './network';
import { STRIDE, WINDOW, aggregateWindows, framesOf, stackWindows, windowStarts } from './windows';

export interface LivenessTrainConfig {
  readonly embed: number;
  readonly heads: number;
  readonly layers: number;
  readonly ffn: number;
  readonly dropout: number;
  readonly learningRate: number;
  readonly batchPairs: number;
  readonly maxEpochs: number;
  readonly patience: number;
  readonly consistency: number;
  readonly augmentProbability: number;
  readonly dropProbability: number;
  readonly clipNorm: number;
  readonly seed: number;
}

/**
 * Seed: embed 256. Here 32: the development set has 61 sequences (about 200 windows); a 256-wide model has
 * ~1.2 M weights for them, 32 wide about 30 k (measured: see README).
 */
export const LIVENESS_DEFAULTS: LivenessTrainConfig = {
  embed: 32,
  heads: 4,
  layers: 2,
  ffn: 64,
  dropout: 0.1,
  learningRate: 1e-3,
  batchPairs: 16,
  maxEpochs: 60,
  patience: 15,
  consistency: 0.1,
  augmentProbability: 0.5,
  dropProbability: 0.3,
  clipNorm: 1,
  seed: 42,
};

export interface TrainResult {
  readonly weights: LivenessWeights;
  readonly scaler: Scaler;
  readonly history: EpochRecord[];
  readonly bestEpoch: number;
  readonly threshold: number;
  readonly validation: { sequences: number; windows: number; auc: number | null; sequenceAuc: number | null };
  readonly cpuSeconds: number;
  readonly backend: string;
  /** The validation windows (raw evidence) and the trainer's own live probabilities for them: the ONNX parity check. */
  readonly parityWindows: Float32Array;
  readonly parityScores: Float32Array;
}

type Rng = () => number;

/** Frame indices of a training window starting at `start`: 12 in order, one or two skipped now and then. */
function trainingFrames(start: number, length: number, dropProbability: number, rng: Rng): number[] {
  const spare = Math.min(2, length - start - WINDOW);
  if (spare <= 0 || rng() >= dropProbability) return framesOf(start);
  const drop = 1 + Math.floor(rng() * spare);
  const span = Array.from({ length: WINDOW + drop }, (_, k) => start + k);
  for (let d = 0; d < drop; d++) span.splice(1 + Math.floor(rng() * (span.length - 2)), 1);
  return span;
}

/** Windows of the original frames at stride 6, as the scorer cuts them. */
export function evaluationWindows(items: readonly SequenceEvidence[]): { x: Float32Array; y: Float32Array; owner: number[] } {
  const rows: Float32Array[] = [];
  const windows: number[][] = [];
  const y: number[] = [];
  const owner: number[] = [];
  items.forEach((item, i) => {
    const base = rows.length;
    rows.push(...item.variants[0]!);
    for (const s of windowStarts(item.sequence.frames.length)) {
      windows.push(framesOf(base + s));
      y.push(item.sequence.label === 'live' ? 1 : 0);
      owner.push(i);
    }
  });
  return { x: stackWindows(rows, windows), y: Float32Array.from(y), owner };
}

export interface TrainInput {
  readonly train: readonly SequenceEvidence[];
  readonly validation: readonly SequenceEvidence[];
  readonly config?: Partial<LivenessTrainConfig>;
  readonly onEpoch?: (record: EpochRecord, maxEpochs: number) => void;
}

export async function trainLiveness(input: TrainInput): Promise<TrainResult> {
  const config = { ...LIVENESS_DEFAULTS, ...input.config };
  const backend = await readyBackend();
  const cpuStart = process.cpuUsage();
  if (input.train.length === 0 || input.validation.length === 0) throw new Error('training needs sequences for both training and validation');
  const scaler = fitScaler(input.train.flatMap((s) => s.variants.flat()), EVIDENCE_DIM);
  const scaled = input.train.map((s) => s.variants.map((rows) => rows.map((r) => applyScaler(r, scaler))));
  const val = evaluationWindows(input.validation);
  const valX = applyScaler(val.x, scaler);

  // Pairs of overlapping windows: (s, s + 6), or (s, s) for the last window of a sequence.
  const pairs: { seq: number; a: number; b: number; label: number }[] = [];
  input.train.forEach((s, seq) => {
    const starts = windowStarts(s.sequence.frames.length);
    for (const a of starts) pairs.push({ seq, a, b: starts.includes(a + STRIDE) ? a + STRIDE : a, label: s.sequence.label === 'live' ? 1 : 0 });
  });
  const positives = pairs.filter((p) => p.label === 1).length;
  const weightOf = (label: number) => pairs.length / (2 * Math.max(1, label === 1 ? positives : pairs.length - positives));

  const shape: NetworkShape = { inputSize: EVIDENCE_DIM, window: WINDOW, embed: config.embed, heads: config.heads, layers: config.layers, ffn: config.ffn };
  const net = createNetwork(shape, config.seed);
  const variables = namedVariables(net).map(([, v]) => v);
  const rng = seedrandom(`liveness-train-${config.seed}`);
  const nextSeed = () => Math.floor(rng() * 2 ** 31);
  const optimizer = tf.train.adam(config.learningRate);
  const history: EpochRecord[] = [];
  let best = { auc: -1, loss: Number.POSITIVE_INFINITY, epoch: 0, weights: readWeights(net) };
  const size = WINDOW * EVIDENCE_DIM;
  const windowValues = (p: { seq: number }, start: number, out: Float32Array, at: number) => {
    const variants = scaled[p.seq]!;
    const frames = trainingFrames(start, variants[0]!.length, config.dropProbability, rng);
    frames.forEach((f, k) => {
      const v = variants.length > 1 && rng() < config.augmentProbability ? 1 + Math.floor(rng() * (variants.length - 1)) : 0;
      out.set(variants[v]![f]!, at + k * EVIDENCE_DIM);
    });
  };

  try {
    for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
      const t0 = performance.now();
      for (let i = pairs.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
      }
      let lossSum = 0;
      for (let start = 0; start < pairs.length; start += config.batchPairs) {
        const batch = pairs.slice(start, start + config.batchPairs);
        const n = batch.length;
        const xa = new Float32Array(n * size);
        const xb = new Float32Array(n * size);
        batch.forEach((p, i) => {
          windowValues(p, p.a, xa, i * size);
          windowValues(p, p.b, xb, i * size);
        });
        const y = Float32Array.from(batch, (p) => p.label);
        const w = Float32Array.from(batch, (p) => weightOf(p.label));
        const loss = tf.tidy(() => {
          const yt = tf.tensor2d(y, [n, 1]);
          const wt = tf.tensor2d(w, [n, 1]);
          const { value, grads } = tf.variableGrads(() => {
            const la = forward(net, tf.tensor3d(xa, [n, WINDOW, EVIDENCE_DIM]), { dropout: config.dropout, nextSeed });
            const lb = forward(net, tf.tensor3d(xb, [n, WINDOW, EVIDENCE_DIM]), { dropout: config.dropout, nextSeed });
            const bce = tf.div(tf.add(tf.losses.sigmoidCrossEntropy(yt, la, wt), tf.losses.sigmoidCrossEntropy(yt, lb, wt)), 2);
            const consistency = tf.mean(tf.square(tf.sub(tf.sigmoid(la), tf.sigmoid(lb))));
            return tf.add(bce, tf.mul(config.consistency, consistency)) as tf.Scalar;
          }, variables);
          const names = Object.keys(grads);
          const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k]!)))));
          const scale = tf.div(config.clipNorm, tf.maximum(norm, config.clipNorm));
          optimizer.applyGradients(Object.fromEntries(names.map((k) => [k, tf.mul(grads[k]!, scale)])));
          return value;
        });
        lossSum += (loss.dataSync() as Float32Array)[0]! * n;
        loss.dispose();
      }
      const scores = predict(net, valX, val.y.length);
      const record: EpochRecord = { epoch, loss: lossSum / pairs.length, valLoss: binaryCrossEntropy(scores, val.y), valAuc: rocAuc(scores, val.y), learningRate: config.learningRate, seconds: (performance.now() - t0) / 1000 };
      history.push(record);
      input.onEpoch?.(record, config.maxEpochs);
      await new Promise((resolve) => setImmediate(resolve));
      const auc = record.valAuc ?? 0;
      if (auc > best.auc || (auc === best.auc && record.valLoss < best.loss)) best = { auc, loss: record.valLoss, epoch, weights: readWeights(net) };
      if (epoch - best.epoch >= config.patience) break;
    }
    writeWeights(net, best.weights);
    const scores = predict(net, valX, val.y.length);
    const perSequence = input.validation.map((_, i) => aggregateWindows(Array.from(scores).flatMap((score, k) => (val.owner[k] === i ? [{ score, confidence: Math.abs(2 * score - 1) }] : []))));
    const seqScores: number[] = [];
    const seqLabels: number[] = [];
    perSequence.forEach((s, i) => {
      if (!s) return;
      seqScores.push(s.score);
      seqLabels.push(input.validation[i]!.sequence.label === 'live' ? 1 : 0);
    });
    const cpu = process.cpuUsage(cpuStart);
    return {
      weights: best.weights,
      scaler,
      history,
      bestEpoch: best.epoch,
      threshold: chooseThreshold(seqScores, seqLabels),
      validation: { sequences: seqScores.length, windows: val.y.length, auc: rocAuc(scores, val.y), sequenceAuc: rocAuc(seqScores, seqLabels) },
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      backend,
      parityWindows: val.x,
      parityScores: scores,
    };
  } finally {
    disposeNetwork(net);
    optimizer.dispose();
  }
}
