import type { Command } from 'commander';
import { runBench } from '../bench/load';
import { ServerCliError } from './main';

/** `vigil-server bench --json`: the last stdout line is one JSON object (candidates held, p99Ms, errors, events). */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('simulated candidates on loopback against one vigil-server process (heartbeat 5 s, events 10 s, a clip a minute)')
    .option('--database <kind>', 'pglite | postgres (a throwaway cluster unless DATABASE_URL is set)', 'postgres')
    .option('--candidates <list>', 'levels to try in turn, stopping at the first not held (default: search for the largest held)')
    .option('--start <n>', 'the search\'s first level; it doubles while held, then narrows the gap', '250')
    .option('--seconds <n>', 'seconds per level (5-600)', '20')
    .option('--budget-seconds <n>', 'the search starts no level that would end past this (60-3600)', '540')
    .option('--json', 'print the result as one JSON object on the last line')
    .action(async (flags: { database: string; candidates?: string; start: string; seconds: string; budgetSeconds: string; json?: boolean }) => {
      if (flags.database !== 'pglite' && flags.database !== 'postgres') throw new ServerCliError('--database', 'must be pglite or postgres', 2);
      const levels = flags.candidates === undefined ? [] : flags.candidates.split(',').map(Number);
      if (!levels.every((n) => Number.isInteger(n) && n > 0 && n <= 20_000)) throw new ServerCliError('--candidates', `must be whole numbers from 1 to 20000, not "${flags.candidates}"`, 2);
      const start = Number(flags.start);
      if (!Number.isInteger(start) || start < 1 || start > 20_000) throw new ServerCliError('--start', 'must be a whole number from 1 to 20000', 2);
      const seconds = Number(flags.seconds);
      if (!Number.isInteger(seconds) || seconds < 5 || seconds > 600) throw new ServerCliError('--seconds', 'must be a whole number from 5 to 600', 2);
      const budgetSeconds = Number(flags.budgetSeconds);
      if (!Number.isInteger(budgetSeconds) || budgetSeconds < 60 || budgetSeconds > 3600) throw new ServerCliError('--budget-seconds', 'must be a whole number from 60 to 3600', 2);
      const result = await runBench({ database: flags.database, levels, start, seconds, budgetSeconds, log: (line) => process.stderr.write(`${line}\n`) });
      process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `held ${result.candidates} candidates on ${result.database}: p99 ${result.p99Ms} ms, ${result.errors} errors, events ${result.eventsReceived}/${result.eventsSent}\n`);
    });
}
