import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPORAL_COLUMNS } from '../features/schema';
import { LIVE_COLUMNS } from './config';
import { loadFeatureCsv, loadFeatureFolder } from './csv';
import { syntheticCsv } from './synthetic';

function file(text: string, name = 'table.csv'): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-csv-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('feature CSV loading', () => {
  it('groups rows by video and sorts each video by timestamp', () => {
    const path = file(syntheticCsv([{ video: 'A', frames: 40, cheating: true }, { video: 'B', frames: 30, cheating: false }]));
    const videos = loadFeatureCsv(path, TEMPORAL_COLUMNS);
    expect(videos.map((v) => [v.id, v.rows.length]).sort()).toEqual([
      ['table.csv#A', 40],
      ['table.csv#B', 30],
    ]);
    for (const v of videos) {
      expect([...v.times]).toEqual([...v.times].sort((a, b) => a - b));
      expect(v.times[1]! - v.times[0]!).toBeCloseTo(0.05, 6);
      expect(v.rows[0]).toHaveLength(22);
    }
    expect(videos.find((v) => v.id.endsWith('#A'))!.labels.every((l) => l === 1)).toBe(true);
  });

  it('rejects a CSV missing columns, naming them', () => {
    const path = file(syntheticCsv([{ video: 'A', frames: 20, cheating: true }], { dropColumns: ['y_rotation', 'cell phone', 'is_cheating'] }));
    expect(() => loadFeatureCsv(path, TEMPORAL_COLUMNS)).toThrow(`${path}: missing columns: y_rotation, cell phone, is_cheating`);
  });

  it('needs only the chosen columns: a live model does not need the unmapped ones', () => {
    const path = file(syntheticCsv([{ video: 'A', frames: 20, cheating: true }], { dropColumns: ['mouth_area', 'watch', 'sheet'] }));
    expect(() => loadFeatureCsv(path, TEMPORAL_COLUMNS)).toThrow(/missing columns: mouth_area, watch, sheet/);
    expect(loadFeatureCsv(path, LIVE_COLUMNS)[0]!.rows[0]).toHaveLength(LIVE_COLUMNS.length);
  });

  it('names the line and column of a cell that is not a number, and of a bad timestamp or label', () => {
    const header = `timestamp,${TEMPORAL_COLUMNS.map((c) => (c.includes(' ') ? `"${c}"` : c)).join(',')},video,is_cheating`;
    const row = (ts: string, yaw: string, label: string) => `${ts},${TEMPORAL_COLUMNS.map((c) => (c === 'y_rotation' ? yaw : '0')).join(',')},V,${label}`;
    expect(() => loadFeatureCsv(file(`${header}\n${row('0-00-00.050000', '1.5', '0')}\n${row('0-00-00.100000', 'left', '0')}\n`), TEMPORAL_COLUMNS)).toThrow(/line 3, column y_rotation: not a number: "left"/);
    expect(() => loadFeatureCsv(file(`${header}\n${row('00:00:01', '1', '0')}\n`), TEMPORAL_COLUMNS)).toThrow(/line 2, column timestamp: not a timestamp/);
    expect(() => loadFeatureCsv(file(`${header}\n${row('0-00-01.000000', '1', '2')}\n`), TEMPORAL_COLUMNS)).toThrow(/line 2, column is_cheating: is_cheating must be 0 or 1/);
  });

  it('reads an empty cell as NaN (not measured), not as 0', () => {
    const header = `timestamp,${TEMPORAL_COLUMNS.map((c) => (c.includes(' ') ? `"${c}"` : c)).join(',')},video,is_cheating`;
    const cells = TEMPORAL_COLUMNS.map((c) => (c === 'y_rotation' ? '' : '1')).join(',');
    const [video] = loadFeatureCsv(file(`${header}\n0-00-01.000000,${cells},V,1\n`), TEMPORAL_COLUMNS);
    expect(video!.rows[0]![TEMPORAL_COLUMNS.indexOf('y_rotation')]).toBeNaN();
    expect(video!.rows[0]![TEMPORAL_COLUMNS.indexOf('x_rotation')]).toBe(1);
  });

  it('rejects an empty folder and a missing one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-csv-'));
    expect(() => loadFeatureFolder(empty, TEMPORAL_COLUMNS)).toThrow(`${empty}: no CSV files in this folder`);
    expect(() => loadFeatureFolder(join(empty, 'nope'), TEMPORAL_COLUMNS)).toThrow(/nope: no such folder/);
  });
});
