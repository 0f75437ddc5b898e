/**
 * A child process of `extractEvidence` with `jobs` > 1: the evidence of one shard of sequences, written to the
 * shard's own cache file (dataset.ts), progress sent to the parent. Each sequence's evidence depends only on the
 * sequence and the seed (the pipeline is reset and the augmentation reseeded per sequence and copy), so shards give
 * the same values as one process.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { extractEvidence } from './dataset';

const Job = z.object({
  sequences: z.array(z.object({ id: z.string(), label: z.enum(['live', 'print']), subject: z.string(), frames: z.array(z.string()).min(1), still: z.boolean().optional() })),
  variants: z.number().int().min(0),
  seed: z.number(),
});

const job = Job.parse(JSON.parse(readFileSync(process.argv[2]!, 'utf8')));
await extractEvidence(job.sequences, { variants: job.variants, seed: job.seed, jobs: 1, onProgress: (done) => process.send?.({ done }) });
process.disconnect?.();
