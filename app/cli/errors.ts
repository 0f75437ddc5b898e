/**
 * The CLI's one error style: a single line `vigil: <thing>: <problem>` on stderr and a non-zero exit.
 * Exit 2 is a usage error (the command line is wrong), 1 is anything else.
 */
export class CliError extends Error {
  constructor(
    readonly thing: string,
    readonly problem: string,
    readonly exitCode = 1,
  ) {
    super(`${thing}: ${problem}`);
    this.name = 'CliError';
  }
}

export function usageError(thing: string, problem: string): CliError {
  return new CliError(thing, problem, 2);
}

/** Prints one line for any error and returns the exit code; a stack only with VIGIL_DEBUG=1. */
export function reportError(error: unknown, write: (line: string) => void = (l) => process.stderr.write(l)): number {
  if (error instanceof CliError) {
    write(`vigil: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`vigil: ${message.split('\n')[0]}\n`);
  if (process.env.VIGIL_DEBUG === '1' && error instanceof Error && error.stack) write(`${error.stack}\n`);
  return 1;
}

/** A whole-number option within [min, max], or the usage error naming the flag, the range and what was typed. */
export function wholeNumberOption(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw usageError(flag, `must be a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}
