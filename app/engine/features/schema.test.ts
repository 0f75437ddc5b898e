import { describe, expect, it } from 'vitest';
import { CSV_HEADER, FEATURE_COLUMNS, FrameFeatures, TEMPORAL_COLUMNS, TEMPORAL_UNMAPPED, emptyFrame, toCsvRow, toTemporalRow } from './schema';

describe('feature schema v1', () => {
  it('starts its CSV header with t and carries the contract columns', () => {
    expect(FEATURE_COLUMNS[0]).toBe('t');
    expect(CSV_HEADER.split(',')).toEqual(expect.arrayContaining(['t', 'face_count', 'yaw', 'pitch', 'roll', 'gaze_h', 'gaze_v', 'gaze_zone']));
  });

  it('writes an unmeasured value as an empty cell, not as zero', () => {
    const row = toCsvRow(emptyFrame(1.5, 18)).split(',');
    expect(row).toHaveLength(FEATURE_COLUMNS.length);
    expect(row[FEATURE_COLUMNS.indexOf('yaw')]).toBe('');
    expect(row[FEATURE_COLUMNS.indexOf('face_count')]).toBe('0');
    expect(row[FEATURE_COLUMNS.indexOf('gaze_zone')]).toBe('unknown');
    expect(FrameFeatures.safeParse(emptyFrame(0, 0)).success).toBe(true);
  });

  it('maps head pose to the temporal tables as x=pitch, y=yaw, z=roll and marks unmapped columns NaN', () => {
    const frame = { ...emptyFrame(0, 0), face_count: 1, yaw: 30, pitch: -10, roll: 2, gaze_zone: 'left' as const, gaze_h: -0.5 };
    const row = toTemporalRow(frame);
    expect(Object.keys(row)).toEqual([...TEMPORAL_COLUMNS]);
    expect(row).toMatchObject({ x_rotation: -10, y_rotation: 30, z_rotation: 2, num_faces: 1, gaze_direction: 1, gaze_zone: 1, iris_ratio: 0.25 });
    expect(row.radial_distance).toBeCloseTo(Math.hypot(30, 10));
    for (const column of TEMPORAL_UNMAPPED) expect(row[column]).toBeNaN();
  });
});

describe('rows stored before a column was added', () => {
  it('read a row without the text column as one whose text detector did not run', () => {
    const { text: _dropped, ...older } = emptyFrame(1.5, 18);
    const parsed = FrameFeatures.parse(older);
    expect(parsed.text).toBeNull();
    expect(parsed.frame_index).toBe(18);
  });
});
