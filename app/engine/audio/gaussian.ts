/**
 * Diagonal-covariance Gaussian statistics of MFCC frames, and the two likelihood-ratio tests built on them:
 * the Bayesian Information Criterion for "one voice or two in this stretch" (Chen & Gopalakrishnan 1998) and
 * the generalised likelihood ratio between a stretch and an enrolled voice. Sufficient statistics (count,
 * sum, sum of squares) make merging and splitting O(dimensions).
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

/**
 * The best single split of a frame sequence by ΔBIC: how much better two Gaussians (before and after some
 * point) explain it than one, minus the BIC penalty for the extra parameters, divided by the frame count.
 * Positive means "a change of voice" at penalty weight `lambda`. Splits leave at least `minSide` frames a side.
 */
export function bestSplitDeltaBic(frames: readonly Float64Array[], first: number, dims: number, lambda: number, minSide: number): { score: number; at: number } {
  const n = frames.length;
  if (n < 2 * minSide) return { score: Number.NEGATIVE_INFINITY, at: -1 };
  // Prefix sums make every split O(dims).
  const ps = new Float64Array((n + 1) * dims);
  const pq = new Float64Array((n + 1) * dims);
  for (let i = 0; i < n; i++) {
    const f = frames[i]!;
    for (let k = 0; k < dims; k++) {
      const x = f[first + k]!;
      ps[(i + 1) * dims + k] = ps[i * dims + k]! + x;
      pq[(i + 1) * dims + k] = pq[i * dims + k]! + x * x;
    }
  }
  const whole = logDetOf(n, ps, pq, n * dims, dims);
  const right = { sum: new Float64Array(dims), sumSq: new Float64Array(dims) };
  const penalty = lambda * 0.5 * (2 * dims) * Math.log(n);
  let best = Number.NEGATIVE_INFINITY;
  let at = -1;
  for (let s = minSide; s <= n - minSide; s++) {
    for (let k = 0; k < dims; k++) {
      right.sum[k] = ps[n * dims + k]! - ps[s * dims + k]!;
      right.sumSq[k] = pq[n * dims + k]! - pq[s * dims + k]!;
    }
    const left = logDetOf(s, ps, pq, s * dims, dims);
    const rightDet = logDetOf(n - s, right.sum, right.sumSq, 0, dims);
    const v = 0.5 * (n * whole - s * left - (n - s) * rightDet) - penalty;
    if (v > best) {
      best = v;
      at = s;
    }
  }
  return { score: best / n, at };
}
