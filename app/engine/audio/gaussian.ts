/**
 * Diagonal-covariance Gaussian statistics of MFCC frames and the generalised likelihood ratio between two
 * stretches of speech, the quantity behind both the speaker clustering's ΔBIC (clusters.ts) and the test of a
 * window against the enrolled voice. Sufficient statistics (count, sum, sum of squares) make merging
 * O(dimensions).
 */
export class GaussianStats {
  n = 0;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;

  constructor(readonly dims: number) {
    this.sum = new Float64Array(dims);
    this.sumSq = new Float64Array(dims);
  }

  static of(frames: readonly Float64Array[], first: number, dims: number): GaussianStats {
    const g = new GaussianStats(dims);
    for (const f of frames) g.add(f, first);
    return g;
  }

  /** Adds frame[first .. first + dims). */
  add(frame: Float64Array, first: number): void {
    this.n += 1;
    for (let k = 0; k < this.dims; k++) {
      const x = frame[first + k]!;
      this.sum[k] = this.sum[k]! + x;
      this.sumSq[k] = this.sumSq[k]! + x * x;
    }
  }

  merged(other: GaussianStats): GaussianStats {
    const g = new GaussianStats(this.dims);
    g.n = this.n + other.n;
    for (let k = 0; k < this.dims; k++) {
      g.sum[k] = this.sum[k]! + other.sum[k]!;
      g.sumSq[k] = this.sumSq[k]! + other.sumSq[k]!;
    }
    return g;
  }

  /** log-determinant of the maximum-likelihood diagonal covariance (variances floored: silence-like frames). */
  logDet(): number {
    return logDetOf(this.n, this.sum, this.sumSq, 0, this.dims);
  }

  /** log-determinant of the Gaussian of this and `other` together, without building it. */
  mergedLogDet(other: GaussianStats): number {
    const n = this.n + other.n;
    let r = 0;
    for (let k = 0; k < this.dims; k++) {
      const m = (this.sum[k]! + other.sum[k]!) / n;
      r += Math.log(Math.max((this.sumSq[k]! + other.sumSq[k]!) / n - m * m, VARIANCE_FLOOR));
    }
    return r;
  }

  toJSON(): { n: number; sum: number[]; sumSq: number[] } {
    return { n: this.n, sum: Array.from(this.sum), sumSq: Array.from(this.sumSq) };
  }

  static fromJSON(value: { n: number; sum: number[]; sumSq: number[] }): GaussianStats {
    const g = new GaussianStats(value.sum.length);
    g.n = value.n;
    g.sum.set(value.sum);
    g.sumSq.set(value.sumSq);
    return g;
  }
}

const VARIANCE_FLOOR = 1e-4;

function logDetOf(n: number, sum: ArrayLike<number>, sumSq: ArrayLike<number>, offset: number, dims: number): number {
  let r = 0;
  for (let k = 0; k < dims; k++) {
    const m = sum[offset + k]! / n;
    r += Math.log(Math.max(sumSq[offset + k]! / n - m * m, VARIANCE_FLOOR));
  }
  return r;
}

/**
 * Generalised likelihood ratio per frame of `b` for "b comes from the same Gaussian as a": 0 when identical,
 * larger the more b differs. Divided by b's frame count so windows of different lengths compare.
 */
export function glrPerFrame(a: GaussianStats, b: GaussianStats): number {
  if (b.n === 0 || a.n === 0) return 0;
  const m = a.merged(b);
  return (0.5 * (m.n * m.logDet() - a.n * a.logDet() - b.n * b.logDet())) / b.n;
}
