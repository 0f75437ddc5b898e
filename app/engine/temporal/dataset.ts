/** A training data folder: `train/` and `test/` subfolders of feature CSVs (as ../shared/data/exam-features). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TemporalColumn } from '../features/schema';
import { loadFeatureFolder, type FeatureVideo } from './csv';
import { TemporalDataError } from './errors';

export interface DataSplit {
  readonly trainDir: string;
  readonly testDir: string;
  readonly train: FeatureVideo[];
  readonly test: FeatureVideo[];
}

export function loadDataSplit(dataDir: string, columns: readonly TemporalColumn[]): DataSplit {
  if (!existsSync(dataDir)) throw new TemporalDataError(dataDir, 'no such folder');
  const trainDir = join(dataDir, 'train');
  const testDir = join(dataDir, 'test');
  const missing = [trainDir, testDir].filter((d) => !existsSync(d));
  if (missing.length > 0) throw new TemporalDataError(dataDir, `expected train/ and test/ folders of feature CSVs; missing ${missing.map((d) => d.slice(dataDir.length + 1) + '/').join(' and ')}`);
  return { trainDir, testDir, train: loadFeatureFolder(trainDir, columns), test: loadFeatureFolder(testDir, columns) };
}

/** Only the `train/` folder of a data folder: for cross-validation, which must not read the test set at all. */
export function loadTrainingFolder(dataDir: string, columns: readonly TemporalColumn[]): { trainDir: string; train: FeatureVideo[] } {
  if (!existsSync(dataDir)) throw new TemporalDataError(dataDir, 'no such folder');
  const trainDir = join(dataDir, 'train');
  if (!existsSync(trainDir)) throw new TemporalDataError(dataDir, 'expected a train/ folder of feature CSVs; missing train/');
  return { trainDir, train: loadFeatureFolder(trainDir, columns) };
}
