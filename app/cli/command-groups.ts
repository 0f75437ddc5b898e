/** Command groups several areas add subcommands to (`vigil bench <area>`, `vigil eval <area>`): one of each. */
import type { Command } from 'commander';

function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export const benchGroup = (program: Command) => group(program, 'bench', 'measure speed on the evaluation data (../shared/data or VIGIL_DATA_DIR)');
export const evalGroup = (program: Command) => group(program, 'eval', 'measure a detector against the evaluation data (../shared/data or VIGIL_DATA_DIR)');
export const trainGroup = (program: Command) => group(program, 'train', 'train models the project builds itself');
