import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { vigilHome } from '../../engine/paths';
import { setInvigilatorPassword } from '../../engine/live/invigilator-password';
import { CliError } from '../errors';

/** `vigil invigilator password`: sets this computer's invigilator password (the app itself never can). */
export function registerInvigilator(program: Command): void {
  const invigilator = program.command('invigilator').description("this computer's invigilator settings");
  invigilator
    .command('password')
    .description('set the invigilator password that unlocks the exam settings, read from a file or standard input (first line)')
    .option('--from-file <file>', 'read the password from this file instead of standard input')
    .action(async (options: { fromFile?: string }) => {
      const source = options.fromFile ?? 'standard input';
      let text: string;
      try {
        text = readFileSync(options.fromFile ?? 0, 'utf8');
      } catch (error) {
        throw new CliError(source, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      const password = text.split(/\r?\n/, 1)[0] ?? '';
      try {
        const file = await setInvigilatorPassword(vigilHome(), password);
        process.stdout.write(`invigilator password set (${file})\n`);
      } catch (error) {
        throw new CliError(source, (error as Error).message);
      }
    });
}
