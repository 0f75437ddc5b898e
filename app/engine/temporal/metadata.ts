/**
 * metadata.json beside model.onnx: everything needed to use and judge the model. The live scorer reads it
 * through this schema, so a hand-edited or foreign file is refused with the reason rather than misread.
 */
import { z } from 'zod';
import { TEMPORAL_COLUMNS } from '../features/schema';

const Metrics = z.object({
  windows: z.number().int().nonnegative(),
  threshold: z.number(),
  accuracy: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  auc: z.number().nullable(),
  confusion: z.object({ tn: z.number().int(), fp: z.number().int(), fn: z.number().int(), tp: z.number().int() }),
});

export const TemporalMetadata = z.object({
  format: z.literal('vigil-temporal/1'),
  createdAt: z.string(),
  model: z.object({ file: z.string(), input: z.string(), output: z.string(), opset: z.number().int() }),
  config: z.object({
    model: z.enum(['lstm', 'gru']),
    window: z.number().int().positive(),
    overlap: z.number().int().nonnegative(),
    hidden: z.number().int().positive(),
    layers: z.number().int().positive(),
    dropout: z.number(),
    learningRate: z.number(),
    plateauPatience: z.number(),
    plateauFactor: z.number(),
    clipNorm: z.number(),
    earlyStoppingPatience: z.number(),
    maxEpochs: z.number().int(),
    batchSize: z.number().int(),
    threshold: z.number(),
    seed: z.number(),
    validationFraction: z.number(),
    // Absent in metadata written before these settings existed, which trained as their defaults say.
    monitor: z.enum(['loss', 'auc']).default('loss'),
    classWeight: z.enum(['none', 'balanced']).default('none'),
    inputClip: z.number().positive().nullable().default(null),
  }),
  /** The model's input columns, in order; each is one of the feature tables' 22. */
  columns: z.array(z.enum(TEMPORAL_COLUMNS)).min(1),
  /** 'all', 'live' or 'custom': how the columns were chosen. */
  columnSet: z.string(),
  /** True when every column can be filled from the engine's own per-frame features (toTemporalRow). */
  live: z.boolean(),
  unmappedColumns: z.array(z.string()),
  /** Training mean and standard deviation per column; also folded into the ONNX graph. */
  scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()), clip: z.number().positive().nullable().default(null) }),
  data: z.object({
    source: z.string(),
    trainVideos: z.array(z.string()),
    testVideos: z.array(z.string()),
    windows: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
    split: z.string(),
    note: z.string(),
  }),
  training: z.object({
    backend: z.string(),
    seconds: z.number(),
    cpuSeconds: z.number(),
    epochs: z.number().int(),
    bestEpoch: z.number().int(),
    stoppedEarly: z.boolean(),
    history: z.array(z.object({ epoch: z.number(), loss: z.number(), valLoss: z.number(), valAuc: z.number().nullable(), learningRate: z.number(), seconds: z.number() })),
  }),
  metrics: z.object({ validation: Metrics, test: Metrics }),
  baseline: z.object({
    description: z.string(),
    validation: Metrics,
    test: Metrics,
    /** The same baseline fitted on every training-video window (validation part included); absent in older files. */
    allTrain: z.object({ description: z.string(), test: Metrics }).optional(),
  }),
});
export type TemporalMetadata = z.infer<typeof TemporalMetadata>;
