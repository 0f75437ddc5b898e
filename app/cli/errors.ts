/**
 * The CLI's one error style: a single line `vigil: <thing>: <problem>` on stderr and a non-zero exit.
 * Exit 2 is a usage error (the command line is wrong), 1 is anything else (app/engine/command-line.ts, shared with
 * vigil-server).
 */
import { CommandLineError, reportCommandError } from '../engine/command-line';

export class CliError extends CommandLineError {}

export function usageError(thing: string, problem: string): CliError {
  return new CliError(thing, problem, 2);
}

/** Prints one line for any error and returns the exit code; a stack only with VIGIL_DEBUG=1. */
export function reportError(error: unknown, write?: (line: string) => void): number {
  return reportCommandError('vigil', error, write);
}

/** A whole-number option within [min, max], or the usage error naming the flag, the range and what was typed. */
export function wholeNumberOption(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw usageError(flag, `must be a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}
