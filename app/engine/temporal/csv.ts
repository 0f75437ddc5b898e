/**
 * Loads the temporal model's feature tables: CSV files with `timestamp`, the 22 feature columns, `video` and
 * `is_cheating` (the format of ../shared/data/exam-features and of `vigil train export`). Every cell is
 * checked with zod; an empty cell is NaN ("not measured"), which the scaler later fills with the training mean.
 * Rows are sorted by time within each video, because the published tables are not in time order.
 */
import { parse } from 'csv-parse/sync';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { TemporalColumn } from '../features/schema';
import { TemporalDataError } from './errors';
import { parseTimestamp } from './timestamp';

/** One recording: its frames in time order. */
export interface FeatureVideo {
  /** `<file name>#<video>`: video names repeat across files (both splits have a `Video1`). */
  readonly id: string;
  readonly file: string;
  readonly times: readonly number[];
  /** rows[i][j] is column j of frame i, in the order of the columns asked for. */
  readonly rows: readonly (readonly number[])[];
  readonly labels: readonly (0 | 1)[];
}

const Cell = z
  .string()
  .transform((text, ctx) => {
    const trimmed = text.trim();
    if (trimmed === '' || /^nan$/i.test(trimmed)) return Number.NaN;
    const value = Number(trimmed);
    if (!Number.isFinite(value)) {
      ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(text)}` });
      return z.NEVER;
    }
    return value;
  });

const Timestamp = z.string().transform((text, ctx) => {
  const seconds = parseTimestamp(text);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp like 0-00-28.600000: ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return seconds;
});

const Label = z.string().transform((text, ctx) => {
  const value = Number(text.trim());
  if (value !== 0 && value !== 1) {
    ctx.addIssue({ code: 'custom', message: `is_cheating must be 0 or 1, got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return value as 0 | 1;
});

function rowSchema(columns: readonly TemporalColumn[]) {
  return z.object({
    timestamp: Timestamp,
    video: z.string().trim().min(1, 'video is empty'),
    is_cheating: Label,
    ...Object.fromEntries(columns.map((c) => [c, Cell])),
  });
}

export function loadFeatureCsv(path: string, columns: readonly TemporalColumn[]): FeatureVideo[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TemporalDataError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, bom: true }) as string[][];
  } catch (error) {
    throw new TemporalDataError(path, `not a valid CSV (${(error as Error).message.split('\n')[0]})`);
  }
  const [header, ...body] = records;
  if (!header) throw new TemporalDataError(path, 'empty file');
  const names = header.map((h) => h.trim());
  const required = ['timestamp', ...columns, 'video', 'is_cheating'];
  const missing = required.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new TemporalDataError(path, `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);

  const schema = rowSchema(columns);
  const byVideo = new Map<string, { t: number; row: number[]; label: 0 | 1 }[]>();
  body.forEach((cells, i) => {
    const record = Object.fromEntries(names.map((n, j) => [n, cells[j] ?? '']));
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // Line numbers count the header as line 1, as an editor shows them.
      throw new TemporalDataError(path, `line ${i + 2}, column ${String(issue.path[0] ?? '?')}: ${issue.message}`);
    }
    const value = parsed.data as Record<string, number> & { timestamp: number; video: string; is_cheating: 0 | 1 };
    const frames = byVideo.get(value.video) ?? [];
    frames.push({ t: value.timestamp, row: columns.map((c) => value[c]!), label: value.is_cheating });
    byVideo.set(value.video, frames);
  });

  return [...byVideo.entries()].map(([video, frames]) => {
    const sorted = [...frames].sort((a, b) => a.t - b.t);
    return {
      id: `${basename(path)}#${video}`,
      file: path,
      times: sorted.map((f) => f.t),
      rows: sorted.map((f) => f.row),
      labels: sorted.map((f) => f.label),
    };
  });
}

/** Every `*.csv` directly inside `dir`, in name order. */
export function loadFeatureFolder(dir: string, columns: readonly TemporalColumn[]): FeatureVideo[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new TemporalDataError(dir, 'not a folder');
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof TemporalDataError) throw error;
    throw new TemporalDataError(dir, 'no such folder');
  }
  const files = entries.filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  if (files.length === 0) throw new TemporalDataError(dir, 'no CSV files in this folder');
  return files.flatMap((f) => loadFeatureCsv(join(dir, f), columns));
}
