/** Axis-aligned boxes in frame pixels, IoU and greedy non-maximum suppression (shared by faces and objects). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** Keeps the best-scoring candidates, dropping any that overlaps a kept one by more than `maxIou`. */
export function nonMaxSuppression<T extends { box: Box; score: number }>(candidates: T[], maxIou: number, maxCount: number, sameGroup: (a: T, b: T) => boolean = () => true): T[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const c of sorted) {
    if (kept.length >= maxCount) break;
    if (kept.every((k) => !sameGroup(k, c) || iou(k.box, c.box) <= maxIou)) kept.push(c);
  }
  return kept;
}
