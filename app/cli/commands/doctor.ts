import type { Command } from 'commander';
import { runChecks, type CheckResult } from '../../engine/doctor/checks';

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check this machine: Node, native modules, models, data folder, ffmpeg, evaluation data, and the exam checks (VM, prohibited processes, displays, remote session, input hook, keyboard lock, camera, microphone)')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (options: { json?: boolean }) => {
      const checks = await runChecks();
      const ok = checks.every((c) => c.status !== 'fail');
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
      } else {
        for (const c of checks) {
          process.stdout.write(`${MARK[c.status]}  ${c.id.padEnd(16)} ${c.summary}\n`);
          if (c.fix && c.status !== 'ok') process.stdout.write(`      ${''.padEnd(16)} fix: ${c.fix}\n`);
        }
      }
      if (!ok) process.exitCode = 1;
    });
}
