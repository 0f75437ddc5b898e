import type { Command } from 'commander';

/** `vigil-server bench --json`: not built yet (see server/README.md); says so instead of printing made-up figures. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('simulated candidates against one server process (not built yet)')
    .option('--json', 'last stdout line one JSON object')
    .action(() => {
      process.stderr.write('vigil-server: bench: not implemented yet (see server/README.md, "Not done")\n');
      process.exitCode = 1;
    });
}
