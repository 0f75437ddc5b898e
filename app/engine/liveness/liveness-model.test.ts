import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxParity, PARITY_TOLERANCE, writeModelFolder } from './artifacts';
import { EVIDENCE_DIM } from './evidence';
import { LivenessModel } from './model';
import { LivenessMonitor } from './monitor';
import { exportLivenessOnnx } from './onnx-export';
import { LivenessStream, scoreSequence } from './scorer';
import { syntheticEvidence } from './synthetic';
import { trainOnSubjects } from './training-run';
import { trainLiveness } from './trainer';

describe('the liveness transformer, trained, exported and run', () => {
  const evidence = syntheticEvidence(16, 30, 1);
  const train = evidence.filter((e) => e.sequence.subject !== 'subject3');
  const validation = evidence.filter((e) => e.sequence.subject === 'subject3');

  it('gives the same live probabilities on onnxruntime-node as in the trainer (within 1e-4)', async () => {
    const result = await trainLiveness({ train, validation, config: { maxEpochs: 4, patience: 10 } });
    expect(result.history).toHaveLength(4);
    expect(result.parityScores.length).toBeGreaterThan(0);
    const parity = await onnxParity(exportLivenessOnnx(result.weights, result.scaler), result);
    expect(parity).toBeLessThan(PARITY_TOLERANCE);
    // The check can fail: a model with one weight changed is far from the trainer's probabilities.
    const broken = { ...result.weights, tensors: { ...result.weights.tensors, bh: { ...result.weights.tensors.bh!, data: result.weights.tensors.bh!.data.map((v) => v + 0.5) } } };
    expect(await onnxParity(exportLivenessOnnx(broken, result.scaler), result)).toBeGreaterThan(1e-3);
  }, 120_000);

  it('learns to tell the synthetic classes apart and writes model.onnx, metadata.json and curves.png', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigil-liveness-model-'));
    const { result, metadata } = await trainOnSubjects(evidence, ['subject3'], 'synthetic', { maxEpochs: 15, patience: 15 });
    await writeModelFolder(out, result, metadata);
    for (const f of ['model.onnx', 'metadata.json', 'curves.png']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'curves.png')).subarray(1, 4).toString()).toBe('PNG');
    const model = await LivenessModel.load(out);
    const live = await scoreSequence(model, validation.find((e) => e.sequence.label === 'live')!.variants[0]!);
    const attack = await scoreSequence(model, validation.find((e) => e.sequence.label === 'print')!.variants[0]!);
    expect(live!.score).toBeGreaterThan(attack!.score);
    expect(live!.windowScores).toHaveLength(4); // 30 frames: windows at 0, 6, 12, 18
    expect(live!.stability).toBeCloseTo(1 - Math.sqrt(live!.variance), 12);

    // Streaming: one answer per 12 frames, equal to the file mode on the frames pushed so far.
    const rows = evidence[0]!.variants[0]!.concat(evidence[1]!.variants[0]!).slice(0, 48);
    const stream = new LivenessStream(model);
    const answers = [];
    for (let i = 0; i < rows.length; i++) {
      const a = await stream.push(rows[i]!, i);
      if (a) answers.push(a);
      else expect((i + 1) % 12).not.toBe(0);
    }
    expect(answers.map((a) => a.frames)).toEqual([12, 24, 36, 48]);
    for (const a of answers) {
      const file = (await scoreSequence(model, rows.slice(0, a.frames)))!;
      expect(a.windows).toBe(file.windows);
      expect(a.score).toBeCloseTo(file.score, 6);
      expect(a.confidence).toBeCloseTo(file.confidence, 6);
      expect(a.variance).toBeCloseTo(file.variance, 6);
    }
    expect(answers.flatMap((a) => a.newWindows.map((w) => w.first))).toEqual([0, 6, 12, 18, 24, 30, 36]);
    await expect(stream.push(new Float32Array(EVIDENCE_DIM - 1), 99)).rejects.toThrow(/expected 170/);

    // A session's monitor: confident attack windows become one spoof_suspected alert, live windows none.
    const monitorOf = async (rowsIn: readonly Float32Array[]) => {
      const m = new LivenessMonitor(model);
      rowsIn.forEach((r, i) => m.push(r, 100 + i));
      await m.settle();
      return m;
    };
    const attackRows = validation.find((e) => e.sequence.label === 'print')!.variants[0]!.slice(0, 24);
    const spoof = await monitorOf(attackRows);
    expect(spoof.report()).toMatchObject({ windows: 3, verdict: 'spoof' });
    expect(spoof.alerts()).toHaveLength(1);
    expect(spoof.alerts()[0]).toMatchObject({ type: 'spoof_suspected', severity: 'critical', start: 100 });
    expect((spoof.alerts()[0]!.evidence.windowScores as unknown[]).length).toBe(3);
    const liveMonitor = await monitorOf(validation.find((e) => e.sequence.label === 'live')!.variants[0]!.slice(0, 24));
    expect(liveMonitor.report().verdict).toBe('live');
    expect(liveMonitor.alerts()).toEqual([]);
    await model.release();
  }, 180_000);
});
