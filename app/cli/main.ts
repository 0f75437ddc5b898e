/**
 * The `vigil` command line: one program, one module per command under commands/, one error style.
 */
import { Command } from 'commander';
import { runCommandLine } from '../engine/command-line';
import { engineVersion } from '../engine/paths';
import { registerAnalyze } from './commands/analyze';
import { registerBenchAnalyze } from './commands/bench-analyze';
import { registerBenchAudio } from './commands/bench-audio';
import { registerBenchLive } from './commands/bench-live';
import { registerBenchVision } from './commands/bench-vision';
import { registerCalibrateObjects } from './commands/calibrate-objects';
import { registerConfig } from './commands/config';
import { registerDoctor } from './commands/doctor';
import { registerEvalAudio } from './commands/eval-audio';
import { registerEvalSeb } from './commands/eval-seb';
import { registerEvalVision } from './commands/eval-vision';
import { registerLiveness } from './commands/liveness';
import { registerReports } from './commands/reports';
import { registerSync } from './commands/sync';
import { registerTrain } from './commands/train';

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil, the on-device exam proctoring client: analyse recordings, build and check models, check this machine.')
    .version(engineVersion(), '-v, --version')
    .showHelpAfterError('(run `vigil --help` for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`vigil: ${text.replace(/^error: /, '')}`) });
  registerDoctor(program);
  registerAnalyze(program);
  registerEvalAudio(program);
  registerEvalVision(program);
  registerEvalSeb(program);
  registerBenchAudio(program);
  registerBenchVision(program);
  registerBenchAnalyze(program);
  registerBenchLive(program);
  registerCalibrateObjects(program);
  registerReports(program);
  registerTrain(program);
  registerSync(program);
  registerLiveness(program);
  registerConfig(program);
  return program;
}

export function run(argv: readonly string[]): Promise<number> {
  return runCommandLine(buildProgram(), argv);
}

process.exitCode = await run(process.argv.slice(2));
