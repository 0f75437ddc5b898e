/**
 * Reviewer verdicts on stretches of stored sessions (table reviewer_labels, migration 0060): what
 * `vigil train export` turns into training rows. Kept here until a review feature owns them in storage/.
 */
import type { Db } from '../storage/db';

export interface ReviewerLabel {
  readonly sessionId: string;
  /** Seconds on the session clock; a frame at t is covered when start <= t <= end. */
  readonly start: number;
  readonly end: number;
  readonly cheating: boolean;
  readonly reviewer: string;
}

interface RawLabel {
  session_id: string;
  start: number;
  end: number;
  is_cheating: number;
  reviewer: string;
}

export function addReviewerLabel(db: Db, label: ReviewerLabel, at = new Date()): void {
  db.prepare('INSERT INTO reviewer_labels (session_id, start, end, is_cheating, reviewer, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    label.sessionId,
    label.start,
    label.end,
    label.cheating ? 1 : 0,
    label.reviewer,
    at.toISOString(),
  );
}

/** Every label, by session and start time. */
export function listReviewerLabels(db: Db): ReviewerLabel[] {
  const rows = db.prepare('SELECT session_id, start, end, is_cheating, reviewer FROM reviewer_labels ORDER BY session_id, start, id').all() as RawLabel[];
  return rows.map((r) => ({ sessionId: r.session_id, start: r.start, end: r.end, cheating: r.is_cheating === 1, reviewer: r.reviewer }));
}

/**
 * The label of a frame at `t`: 1 if any covering label says cheating (a reviewer who marked a moment outweighs
 * one who cleared a longer stretch around it), 0 if only clean labels cover it, null if nobody reviewed it.
 */
export function labelAt(labels: readonly ReviewerLabel[], t: number): 0 | 1 | null {
  let label: 0 | 1 | null = null;
  for (const l of labels) {
    if (t < l.start || t > l.end) continue;
    if (l.cheating) return 1;
    label = 0;
  }
  return label;
}
