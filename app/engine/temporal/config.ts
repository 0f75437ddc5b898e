/**
 * The temporal model's settings (DESIGN.md system 1) and its column sets. One place, so the trainer, the ONNX
 * export, the metadata and the live scorer cannot disagree about a window's size or the columns' order.
 */
import { TEMPORAL_COLUMNS, TEMPORAL_UNMAPPED, type TemporalColumn } from '../features/schema';

export type RecurrentKind = 'lstm' | 'gru';

export interface TrainConfig {
  readonly model: RecurrentKind;
  readonly window: number;
  readonly overlap: number;
  readonly hidden: number;
  readonly layers: number;
  readonly dropout: number;
  readonly learningRate: number;
  /** ReduceLROnPlateau on the validation loss. */
  readonly plateauPatience: number;
  readonly plateauFactor: number;
  /** Gradients are rescaled so their global L2 norm is at most this. */
  readonly clipNorm: number;
  readonly earlyStoppingPatience: number;
  readonly maxEpochs: number;
  readonly batchSize: number;
  readonly threshold: number;
  readonly seed: number;
  /** What early stopping, the best-weights snapshot and the plateau schedule watch on the validation windows. */
  readonly monitor: 'loss' | 'auc';
  /** 'balanced' weighs each class's windows by n / (2 * n_class) in the BCE (scikit-learn's "balanced"). */
  readonly classWeight: 'none' | 'balanced';
  /** Scaled inputs are clipped to [-inputClip, inputClip] (null: not clipped), in training and in the ONNX graph. */
  readonly inputClip: number | null;
  /** Share of each training video's windows (in time blocks, see splitInTime) held out for early stopping and the plateau schedule. */
  readonly validationFraction: number;
  readonly columns: readonly TemporalColumn[];
}

export const DEFAULT_CONFIG: TrainConfig = {
  // Chosen by 5-fold blocked cross-validation inside the train/ videos (`--cv 5`, the defaults below; README,
  // "Which kind: cross-validation"), by a rule written down before seeds 1 and 2 ran: the higher mean validation
  // AUC over every seed with both kinds measured. Seeds 42, 1, 2: LSTM 0.8997 / 0.9076 / 0.9130 (mean 0.9068),
  // GRU 0.9071 / 0.9052 / 0.8915 (mean 0.9013). Seed 42 alone had favoured the GRU, which was briefly the default.
  // The test figures of both kinds were known before this procedure was designed (they favour the GRU).
  model: 'lstm',
  window: 15,
  overlap: 5,
  hidden: 128,
  layers: 2,
  dropout: 0.3,
  learningRate: 1e-3,
  plateauPatience: 5,
  plateauFactor: 0.5,
  clipNorm: 1.0,
  earlyStoppingPatience: 15,
  maxEpochs: 80,
  batchSize: 32,
  threshold: 0.4,
  seed: 42,
  // Chosen on the validation windows (README, "Measured"): the target is AUC, and the validation loss rises
  // within a few epochs while the ranking can still improve; balanced weights offset the cheating-heavy training
  // windows (206 of 351 in exam-features), which otherwise push scores up against the 0.4 threshold.
  monitor: 'auc',
  classWeight: 'balanced',
  inputClip: null,
  validationFraction: 0.2,
  columns: TEMPORAL_COLUMNS,
};

/** Gates per cell: LSTM i, o, f, c; GRU z, r, h (ONNX's orders, which network.ts keeps). */
export function gatesOf(kind: RecurrentKind): number {
  return kind === 'lstm' ? 4 : 3;
}

/** Frames between two windows' starts, i.e. how often a live score comes. */
export function windowStride(config: Pick<TrainConfig, 'window' | 'overlap'>): number {
  return config.window - config.overlap;
}

/** Every column the engine can fill from its own per-frame features (what a live model must be trained on). */
export const LIVE_COLUMNS: readonly TemporalColumn[] = TEMPORAL_COLUMNS.filter((c) => !TEMPORAL_UNMAPPED.includes(c));

/** `all`, `live`, or a comma-separated list of column names (kept in the tables' order). */
export function resolveColumns(spec: string): TemporalColumn[] {
  if (spec === 'all') return [...TEMPORAL_COLUMNS];
  if (spec === 'live') return [...LIVE_COLUMNS];
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((c) => !(TEMPORAL_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: all, live, or any of ${TEMPORAL_COLUMNS.join(', ')})`);
  if (wanted.length === 0) throw new Error('no columns given');
  return TEMPORAL_COLUMNS.filter((c) => wanted.includes(c));
}

/** Columns of this set that are NaN when the engine scores live frames. */
export function unmappedIn(columns: readonly TemporalColumn[]): TemporalColumn[] {
  return columns.filter((c) => TEMPORAL_UNMAPPED.includes(c));
}
