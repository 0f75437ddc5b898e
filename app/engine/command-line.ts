/**
 * The one error style of Vigil's command lines, `vigil` and `vigil-server` (which may import this module: it is
 * pure, commander and Node alone): a single line `<program>: <thing>: <problem>` on stderr and a non-zero exit,
 * 2 for a wrong command line and 1 for anything else; a stack only with VIGIL_DEBUG=1.
 */
import { CommanderError, type Command } from 'commander';

export class CommandLineError extends Error {
  constructor(
    readonly thing: string,
    readonly problem: string,
    readonly exitCode = 1,
  ) {
    super(`${thing}: ${problem}`);
    this.name = new.target.name;
  }
}

/** Prints one line for any error, named for `program`, and returns the exit code. */
export function reportCommandError(program: string, error: unknown, write: (line: string) => void = (l) => process.stderr.write(l)): number {
  if (error instanceof CommandLineError) {
    write(`${program}: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`${program}: ${message.split('\n')[0]}\n`);
  if (process.env.VIGIL_DEBUG === '1' && error instanceof Error && error.stack) write(`${error.stack}\n`);
  return 1;
}

/**
 * Runs `program` (built with exitOverride) on `argv` and returns the exit code: the command's own
 * `process.exitCode`, 0 for help and version, 2 for commander's usage errors (it printed them), else as above.
 */
export async function runCommandLine(program: Command, argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportCommandError(program.name(), error);
  }
}
