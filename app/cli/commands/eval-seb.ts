/**
 * `vigil eval seb`: Config Keys and decryption of the real SEB files in ../shared/data/seb (app/engine/config/seb/eval.ts).
 */
import type { Command } from 'commander';
import { evaluateSeb } from '../../engine/config/seb/eval';
import { evalGroup } from '../command-groups';
import { runOnEvaluationData } from '../evaluation-run';

export function registerEvalSeb(program: Command): void {
  evalGroup(program)
    .command('seb')
    .description("SEB Config Keys against Moodle quizaccess_seb's stated keys, and the password-protected file against its plaintext")
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const result = await runOnEvaluationData('eval seb', async () => evaluateSeb());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const lines = result.files.map((f) =>
        f.error
          ? `${f.file}: ${f.error}`
          : `${f.file}: ${f.configKey}${f.statedKey ? ` (Moodle states ${f.matchesStated ? 'the same' : f.statedKey})` : ''}${f.computedKey && !f.statedKey ? ` (import's computed key: ${f.matchesComputed ? 'same' : f.computedKey})` : ''}`,
      );
      lines.push(`stated Config Keys reproduced: ${result.statedKeysReproduced}`);
      if (result.decryptsToPlaintext) {
        const d = result.decryptsToPlaintext;
        lines.push(`${d.file} with password "${d.password}": ${d.sameConfig ? 'the same config as' : 'NOT the same config as'} ${d.to}`);
      }
      if (result.wrongPassword) lines.push(`a wrong password: ${result.wrongPassword}`);
      for (const p of result.sameKeyPairs) lines.push(`${p.a} and ${p.b}: ${p.same ? 'same Config Key' : 'DIFFERENT Config Keys'}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
