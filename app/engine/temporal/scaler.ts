/**
 * A StandardScaler over feature columns, fitted on the frames of the training windows only. NaN ("not
 * measured") is left out of the fit and replaced by the column's mean, i.e. 0 once scaled, both here and in the
 * exported ONNX graph, so training, export and live scoring treat a missing value the same way.
 */
export interface Scaler {
  readonly mean: readonly number[];
  /** Population standard deviation (as scikit-learn), 1 for a constant column so it scales to 0, not NaN. */
  readonly std: readonly number[];
  /** Scaled values are clipped to [-clip, clip] when set: a value far outside the training range (a camera
   * moved, a detector misfiring) then counts as "very high", not as an input the network never saw. */
  readonly clip?: number | null;
}

/** `rows` is a flat row-major array of frames with `width` columns each (e.g. windows' values concatenated). */
export function fitScaler(chunks: readonly Float32Array[], width: number, clip: number | null = null): Scaler {
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  const count = new Float64Array(width);
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i]!;
      if (Number.isNaN(v)) continue;
      const j = i % width;
      sum[j]! += v;
      sumSq[j]! += v * v;
      count[j]! += 1;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < width; j++) {
    const n = count[j]!;
    const m = n > 0 ? sum[j]! / n : 0;
    const variance = n > 0 ? Math.max(0, sumSq[j]! / n - m * m) : 0;
    const s = Math.sqrt(variance);
    mean.push(m);
    // A near-constant column (relative to its size) would blow up float noise into huge values.
    std.push(s > 1e-8 * Math.max(1, Math.abs(m)) ? s : 1);
  }
  return { mean, std, clip };
}

/** A scaled (and clipped, if the scaler clips) copy; NaN becomes 0 (the mean). */
export function applyScaler(values: Float32Array, scaler: Scaler): Float32Array {
  const width = scaler.mean.length;
  const limit = scaler.clip ?? Number.POSITIVE_INFINITY;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const j = i % width;
    const v = values[i]!;
    out[i] = Number.isNaN(v) ? 0 : Math.min(limit, Math.max(-limit, (v - scaler.mean[j]!) / scaler.std[j]!));
  }
  return out;
}
