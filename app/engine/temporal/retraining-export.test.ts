import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPORAL_COLUMNS, TEMPORAL_UNMAPPED } from '../features/schema';
import { openStore } from '../storage/store';
import { loadFeatureCsv } from './csv';
import { exportReviewedSessions } from './retraining-export';
import { addReviewerLabel } from './reviewer-labels';
import { storeFrames, syntheticFrames } from './synthetic';

describe('retraining export', () => {
  it('writes reviewed frames in the feature tables format, which the trainer loads back', () => {
    const store = openStore(':memory:');
    storeFrames(store, 'sess-a', syntheticFrames(100, true));
    storeFrames(store, 'sess-b', syntheticFrames(50, false));
    storeFrames(store, 'unreviewed', syntheticFrames(50, true));
    addReviewerLabel(store.db, { sessionId: 'sess-a', start: 0, end: 9.9, cheating: false, reviewer: 'r1' });
    addReviewerLabel(store.db, { sessionId: 'sess-a', start: 2, end: 2.95, cheating: true, reviewer: 'r2' });
    addReviewerLabel(store.db, { sessionId: 'sess-b', start: 1, end: 100, cheating: false, reviewer: 'r1' });

    const summary = exportReviewedSessions(store);
    expect(summary).toMatchObject({ sessions: 2, frames: 100 + 40, positive: 10 });

    const path = join(mkdtempSync(join(tmpdir(), 'vigil-export-')), 'reviewed.csv');
    writeFileSync(path, summary.csv);
    const videos = loadFeatureCsv(path, TEMPORAL_COLUMNS);
    const a = videos.find((v) => v.id.endsWith('#sess-a'))!;
    expect(a.rows).toHaveLength(100);
    expect(a.labels.map((l, i) => (l === 1 ? i : -1)).filter((i) => i >= 0)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    // Yaw is y_rotation; the columns the engine never measures are empty, i.e. NaN once loaded.
    const frame = syntheticFrames(100, true)[7]!;
    expect(a.rows[7]![TEMPORAL_COLUMNS.indexOf('y_rotation')]).toBeCloseTo(frame.yaw!, 6);
    for (const c of TEMPORAL_UNMAPPED) expect(a.rows[7]![TEMPORAL_COLUMNS.indexOf(c)]).toBeNaN();
    expect(videos.find((v) => v.id.endsWith('#sess-b'))!.times[0]).toBeCloseTo(1, 6);
    store.close();
  });
});
