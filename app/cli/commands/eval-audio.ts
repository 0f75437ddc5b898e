/**
 * `vigil eval audio`: speech detection and voice counting against ../shared/data (see app/engine/audio/README.md).
 */
import type { Command } from 'commander';
import { evaluateAudio } from '../../engine/audio/eval/evaluate';
import { dataSetDir } from '../../engine/paths';
import { evalGroup } from '../command-groups';
import { runOnEvaluationData } from '../evaluation-run';

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

export function registerEvalAudio(program: Command): void {
  evalGroup(program)
    .command('audio')
    .description('speech P/R/F1 on speakers/ (RTTM), multiple-voices P/R per 3 s window, false multiple-voices rate on single-speaker/')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const dir = dataSetDir();
      const result = await runOnEvaluationData('eval audio', (progress) => evaluateAudio(dir, progress));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const s = result.speech.all;
      const v = result.multipleVoices.all;
      const b = result.singleSpeaker.blind;
      const e = result.singleSpeaker.enrolledHeldOut;
      const lines = [
        `speech (${result.speech.files} meeting files, ${result.speech.frameSec * 1000} ms frames in scored regions): P ${pct(s.precision)} R ${pct(s.recall)} F1 ${pct(s.f1)} (dev+test F1 ${pct(result.speech.devTest.f1)}) target F1 >= 90%`,
        `multiple voices (3 s windows, blind): P ${pct(v.precision)} R ${pct(v.recall)} (test split P ${pct(result.multipleVoices.test.precision)} R ${pct(result.multipleVoices.test.recall)}), false on 0-1 speaker meeting windows ${pct(v.falsePositiveRate)}; target R >= 80%`,
        `single-speaker false multiple voices: held-out speakers ${pct(b.heldOutSpeakers.falseMultipleRate)} of ${b.heldOutSpeakers.windows} windows, all 100 files ${pct(b.allFiles.falseMultipleRate)}; target <= 5%`,
        `enrolled candidate (held-out speakers): false alert ${pct(e.falseAlertRate)}, other speaker recognised as someone else ${pct(e.foreignRecall)}, foreign ROC AUC ${e.foreignAuc ?? 'n/a'}`,
        `enrolled candidate with another held-out speaker: overlapping windows flagged ${pct(result.enrolledMixtures.overlapRecall)}, answering windows flagged ${pct(result.enrolledMixtures.answerRecall)}, candidate-only windows flagged ${pct(result.enrolledMixtures.candidatePartFalseRate)} (${result.enrolledMixtures.pairs} pairs)`,
        `tuned on ${result.singleSpeaker.tuningSpeakers.join(', ')} and the development meetings: cluster λ ${result.tuned.clusterLambda ?? 'n/a'}, foreign ${result.tuned.foreign} (shipped ${result.thresholds.clusterLambda}, ${result.thresholds.foreign})`,
      ];
      if (result.missingFiles.length) lines.push(`listed but missing, skipped: ${result.missingFiles.join(', ')}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
