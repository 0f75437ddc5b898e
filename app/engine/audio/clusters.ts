/**
 * Who spoke when, across the session: speech is cut into short pieces, each described by a Gaussian over
 * MFCC c1..c19, and the pieces are clustered bottom-up with a ΔBIC stopping rule (Chen & Gopalakrishnan
 * 1998; the classic BIC speaker clustering). A lone 3 s window holds too little speech to tell one voice from
 * two; the session as a whole holds enough of each voice for its pieces to gather into one cluster per voice.
 * See README.md ("Voices: the method") for the settings and what they were tuned on.
 */
import { GaussianStats } from './gaussian';

export interface PieceOptions {
  /** A piece closes when it reaches this much speech (seconds). */
  readonly pieceSec: number;
  /** A pause longer than this (seconds) closes a piece: a new turn may start after it. */
  readonly gapSec: number;
  /** Speech frames are this far apart (seconds). */
  readonly frameSec: number;
  /** Pieces kept for clustering (the most recent ones); bounds the cost of a long session. */
  readonly maxPieces: number;
}

/** A stretch of speech with its Gaussian and how many of its frames fall in each voice window. */
export interface SpeechPiece {
  readonly start: number;
  end: number;
  readonly stats: GaussianStats;
  /** Frames per window index; a piece spans at most two windows. */
  readonly windowFrames: Map<number, number>;
}

/**
 * Collects speech frames into pieces as they arrive. A piece ends at `pieceSec` of speech or at a pause over
 * `gapSec`; a piece shorter than half of `pieceSec` that follows its predecessor without a pause joins it,
 * so that no piece is too short for its Gaussian to mean anything unless it stands alone.
 */
export class SpeechPieces {
  readonly pieces: SpeechPiece[] = [];
  private open: SpeechPiece | null = null;
  private lastT = Number.NEGATIVE_INFINITY;

  constructor(
    readonly options: PieceOptions,
    readonly first: number,
    readonly dims: number,
  ) {}

  add(t: number, window: number, frame: Float64Array): void {
    const open = this.open;
    if (open && (t - this.lastT > this.options.gapSec || open.stats.n * this.options.frameSec >= this.options.pieceSec - 1e-9)) this.close();
    if (!this.open) this.open = { start: t, end: t, stats: new GaussianStats(this.dims), windowFrames: new Map() };
    const piece = this.open;
    piece.stats.add(frame, this.first);
    piece.end = t + this.options.frameSec;
    piece.windowFrames.set(window, (piece.windowFrames.get(window) ?? 0) + 1);
    this.lastT = t;
  }

  /** The closed pieces and the open one (the speech heard so far), oldest first. */
  current(): SpeechPiece[] {
    return this.open ? [...this.pieces, this.open] : [...this.pieces];
  }

  /** Forgets the open piece's continuity (after a capture gap) so the next frame starts a new piece. */
  breakHere(): void {
    this.close();
    this.lastT = Number.NEGATIVE_INFINITY;
  }

  private close(): void {
    const piece = this.open;
    if (!piece) return;
    this.open = null;
    const prev = this.pieces[this.pieces.length - 1];
    const short = piece.stats.n * this.options.frameSec < this.options.pieceSec / 2;
    if (prev && short && piece.start - prev.end <= this.options.gapSec) {
      this.pieces[this.pieces.length - 1] = joined(prev, piece);
    } else this.pieces.push(piece);
    if (this.pieces.length > this.options.maxPieces) this.pieces.splice(0, this.pieces.length - this.options.maxPieces);
  }
}

function joined(a: SpeechPiece, b: SpeechPiece): SpeechPiece {
  const windowFrames = new Map(a.windowFrames);
  for (const [w, n] of b.windowFrames) windowFrames.set(w, (windowFrames.get(w) ?? 0) + n);
  return { start: a.start, end: b.end, stats: a.stats.merged(b.stats), windowFrames };
}

/**
 * ΔBIC of merging two clusters: the log-likelihood lost by modelling both with one Gaussian, minus the BIC
 * penalty for the parameters saved (λ · ½ · 2d · log n). Negative means "one voice" (merge).
 */
export function mergeDeltaBic(a: GaussianStats, b: GaussianStats, lambda: number, aLogDet = a.logDet(), bLogDet = b.logDet()): number {
  const n = a.n + b.n;
  return 0.5 * (n * a.mergedLogDet(b) - a.n * aLogDet - b.n * bLogDet) - lambda * 0.5 * 2 * a.dims * Math.log(n);
}

export interface Clustering {
  /** Cluster index of each piece (0..clusters-1); the anchor, when given, is in cluster `anchorCluster`. */
  readonly labels: readonly number[];
  readonly clusters: number;
  readonly anchorCluster: number | null;
  /** Per pair of final clusters, the ΔBIC their merge would have had (how clearly they are apart). */
  separation(a: number, b: number): number;
}

/**
 * Agglomerative clustering: repeatedly merge the pair of clusters with the lowest ΔBIC while it is negative.
 * `anchor` (the enrolled candidate's Gaussian) takes part as one more member, so the candidate's pieces gather
 * around it. Pair scores are cached and each cluster keeps its cheapest partner, so n pieces cost O(n²)
 * merge tests in all.
 */
export function clusterPieces(pieces: readonly GaussianStats[], lambda: number, anchor: GaussianStats | null = null): Clustering {
  const members = anchor ? [...pieces, anchor] : [...pieces];
  const stats: (GaussianStats | null)[] = [...members];
  const logDets = members.map((m) => m.logDet());
  const groups: number[][] = members.map((_, i) => [i]);
  const alive = members.map((_, i) => i);
  // Pair scores in a flat matrix (NaN: not yet computed); a merge recomputes only the merged cluster's row.
  const size = members.length;
  const score = new Float64Array(size * size).fill(Number.NaN);
  const pair = (i: number, j: number) => {
    const k = i < j ? i * size + j : j * size + i;
    let v = score[k]!;
    if (Number.isNaN(v)) {
      v = mergeDeltaBic(stats[i]!, stats[j]!, lambda, logDets[i], logDets[j]);
      score[k] = v;
    }
    return v;
  };
  // Each live cluster's cheapest merge partner, so a merge costs O(n) updates instead of an O(n²) search.
  const nearest = new Int32Array(size).fill(-1);
  const nearestScore = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
  const refresh = (i: number) => {
    nearest[i] = -1;
    nearestScore[i] = Number.POSITIVE_INFINITY;
    for (const j of alive) {
      if (j === i) continue;
      const v = pair(i, j);
      if (v < nearestScore[i]!) {
        nearestScore[i] = v;
        nearest[i] = j;
      }
    }
  };
  for (const i of alive) refresh(i);
  while (alive.length > 1) {
    let bi = alive[0]!;
    for (const i of alive) if (nearestScore[i]! < nearestScore[bi]!) bi = i;
    const bj = nearest[bi]!;
    if (nearestScore[bi]! > 0) break;
    stats[bi] = stats[bi]!.merged(stats[bj]!);
    logDets[bi] = stats[bi]!.logDet();
    stats[bj] = null;
    groups[bi]!.push(...groups[bj]!);
    alive.splice(alive.indexOf(bj), 1);
    for (const other of alive) score[bi < other ? bi * size + other : other * size + bi] = Number.NaN;
    refresh(bi);
    for (const other of alive) {
      if (other === bi) continue;
      if (nearest[other] === bi || nearest[other] === bj) refresh(other);
      else if (pair(other, bi) < nearestScore[other]!) {
        nearestScore[other] = pair(other, bi);
        nearest[other] = bi;
      }
    }
  }
  const labels = new Array<number>(members.length).fill(0);
  alive.forEach((root, c) => {
    for (const m of groups[root]!) labels[m] = c;
  });
  const anchorCluster = anchor ? labels[members.length - 1]! : null;
  return {
    labels: labels.slice(0, pieces.length),
    clusters: alive.length,
    anchorCluster,
    separation: (a, b) => pair(alive[a]!, alive[b]!),
  };
}
