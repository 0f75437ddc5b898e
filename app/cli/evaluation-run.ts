/**
 * How every `vigil eval <area>` and `vigil bench <area>` runs its work: a progress bar on a terminal, and a
 * missing data set turned into the CLI's one-line error.
 */
import { MissingDataError } from '../engine/data-sets';
import { CliError } from './errors';
import { startProgress } from './progress';

export type ReportProgress = (done: number, total: number, detail?: string) => void;

export async function runOnEvaluationData<T>(label: string, work: (progress: ReportProgress) => Promise<T>): Promise<T> {
  const bar = startProgress(label, 1);
  try {
    return await work((done, total, detail) => {
      bar.setTotal(total);
      bar.update(done, detail);
    });
  } catch (error) {
    if (error instanceof MissingDataError) throw new CliError('evaluation data', error.message);
    throw error;
  } finally {
    bar.stop();
  }
}
