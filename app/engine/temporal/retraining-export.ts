/**
 * Retraining data: stored sessions' per-frame features with reviewer labels, as CSV in the feature tables'
 * format (timestamp, the 22 columns, video, is_cheating), so an institution can retrain on its own reviewed
 * sessions with `vigil train temporal`. Frames are mapped with toTemporalRow, exactly as the live scorer maps
 * them; a column the engine does not measure (TEMPORAL_UNMAPPED) or a value it could not measure is an empty
 * cell, which the loader reads as "not measured". Frames no reviewer covered are left out.
 */
import { stringify } from 'csv-stringify/sync';
import { FrameFeatures, TEMPORAL_COLUMNS, toTemporalRow } from '../features/schema';
import type { Store } from '../storage/store';
import { TemporalDataError } from './errors';
import { labelAt, listReviewerLabels, type ReviewerLabel } from './reviewer-labels';
import { formatTimestamp } from './timestamp';

export const EXPORT_HEADER = ['timestamp', ...TEMPORAL_COLUMNS, 'video', 'is_cheating'] as const;

export interface LabelledRecording {
  /** Written to the `video` column: the session id. */
  readonly video: string;
  readonly frames: readonly FrameFeatures[];
  readonly labels: readonly ReviewerLabel[];
}

/** One CSV row per labelled frame, in time order. */
export function exportRows(recording: LabelledRecording): string[][] {
  const rows: string[][] = [];
  for (const frame of [...recording.frames].sort((a, b) => a.t - b.t)) {
    const label = labelAt(recording.labels, frame.t);
    if (label === null) continue;
    const values = toTemporalRow(frame);
    rows.push([formatTimestamp(frame.t), ...TEMPORAL_COLUMNS.map((c) => (Number.isNaN(values[c]) ? '' : String(values[c]))), recording.video, String(label)]);
  }
  return rows;
}

export function toTrainingCsv(recordings: readonly LabelledRecording[]): string {
  return stringify([[...EXPORT_HEADER], ...recordings.flatMap(exportRows)]);
}

export interface ExportSummary {
  readonly csv: string;
  readonly sessions: number;
  readonly frames: number;
  readonly positive: number;
}

/** Every session that has reviewer labels, with its stored frames. */
export function exportReviewedSessions(store: Store): ExportSummary {
  const labels = listReviewerLabels(store.db);
  const bySession = new Map<string, ReviewerLabel[]>();
  for (const l of labels) bySession.set(l.sessionId, [...(bySession.get(l.sessionId) ?? []), l]);
  const recordings: LabelledRecording[] = [];
  for (const [sessionId, sessionLabels] of bySession) {
    const frames = store.frameFeatures.list(sessionId).map((stored) => {
      const parsed = FrameFeatures.safeParse(stored.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new TemporalDataError(`session ${sessionId} frame ${stored.frameIndex}`, `stored features do not match schema v1 (${issue.path.join('.')}: ${issue.message})`);
      }
      return parsed.data;
    });
    recordings.push({ video: sessionId, frames, labels: sessionLabels });
  }
  const rows = recordings.flatMap(exportRows);
  return {
    csv: stringify([[...EXPORT_HEADER], ...rows]),
    sessions: recordings.length,
    frames: rows.length,
    positive: rows.filter((r) => r.at(-1) === '1').length,
  };
}
