import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../storage/store';
import { buildMetadata, writeModelFolder } from './artifacts';
import { DEFAULT_CONFIG, LIVE_COLUMNS } from './config';
import { loadDataSplit } from './dataset';
import { exportReviewedSessions } from './retraining-export';
import { addReviewerLabel } from './reviewer-labels';
import { TemporalScorer, loadDefaultTemporalScorer } from './scorer';
import { storeFrames, syntheticFrames } from './synthetic';
import { trainTemporal } from './trainer';

/** Reviewed sessions -> exported CSV -> trained live model folder: the path an institution takes. */
async function liveModelFromReviewedSessions(columns: 'live' | 'all'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-scorer-'));
  for (const [split, seed] of [['train', 1], ['test', 2]] as const) {
    const store = openStore(':memory:');
    storeFrames(store, `cheat-${split}`, syntheticFrames(split === 'train' ? 300 : 120, true, { seed }));
    storeFrames(store, `clean-${split}`, syntheticFrames(split === 'train' ? 300 : 120, false, { seed }));
    addReviewerLabel(store.db, { sessionId: `cheat-${split}`, start: 0, end: 1000, cheating: true, reviewer: 'r' });
    addReviewerLabel(store.db, { sessionId: `clean-${split}`, start: 0, end: 1000, cheating: false, reviewer: 'r' });
    mkdirSync(join(dir, split));
    writeFileSync(join(dir, split, 'reviewed.csv'), exportReviewedSessions(store).csv);
    store.close();
  }
  const config = { ...DEFAULT_CONFIG, columns: columns === 'live' ? LIVE_COLUMNS : DEFAULT_CONFIG.columns, hidden: 8, maxEpochs: 10, learningRate: 0.01 };
  const split = loadDataSplit(dir, config.columns);
  const result = await trainTemporal({ train: split.train, test: split.test, trainSource: 'train', testSource: 'test', config });
  const out = join(dir, 'model');
  writeModelFolder(out, result, buildMetadata(result, { source: dir, columnSet: columns }));
  return out;
}

describe('TemporalScorer', () => {
  let modelDir: string;
  beforeAll(async () => {
    modelDir = await liveModelFromReviewedSessions('live');
  });

  it('scores once a window of 15 frames is full, then every 10 frames, with an alert at the threshold', async () => {
    const scorer = await TemporalScorer.load(modelDir);
    const frames = syntheticFrames(50, true, { seed: 9 });
    const emitted: { index: number; t: number; score: number; alert: boolean }[] = [];
    for (const [index, frame] of frames.entries()) {
      const s = await scorer.push(frame);
      if (s) emitted.push({ index, ...s });
    }
    expect(emitted.map((e) => e.index)).toEqual([14, 24, 34, 44]);
    expect(emitted[1]!.t).toBe(frames[24]!.t);
    for (const e of emitted) expect(e.alert).toBe(e.score >= 0.4);
    // Pushing frame by frame and scoring the whole recording at once give the same windows and scores.
    const all = await scorer.scoreAll(frames);
    expect(all.map((s) => s.t)).toEqual(emitted.map((e) => e.t));
    all.forEach((s, i) => expect(s.score).toBeCloseTo(emitted[i]!.score, 5));
    await scorer.close();
  });

  it('scores a candidate who keeps turning away above one who faces the screen', async () => {
    const scorer = await TemporalScorer.load(modelDir);
    const mean = async (cheating: boolean) => {
      const scores = await scorer.scoreAll(syntheticFrames(120, cheating, { seed: 11 }));
      return scores.reduce((a, s) => a + s.score, 0) / scores.length;
    };
    const [cheat, clean] = [await mean(true), await mean(false)];
    expect(cheat).toBeGreaterThan(clean + 0.2);
    await scorer.close();
  });

  it('gives the same scores when frames are pushed without awaiting each one', async () => {
    const scorer = await TemporalScorer.load(modelDir);
    const frames = syntheticFrames(40, true, { seed: 4 });
    const eager = (await Promise.all(frames.map((f) => scorer.push(f)))).filter((s) => s !== null);
    const all = await scorer.scoreAll(frames);
    expect(eager.map((s) => [s.start, s.t])).toEqual(all.map((s) => [s.start, s.t]));
    eager.forEach((s, i) => expect(s.score).toBeCloseTo(all[i]!.score, 5));
    await scorer.close();
  });

  it('starts over after reset()', async () => {
    const scorer = await TemporalScorer.load(modelDir);
    const frames = syntheticFrames(20, false);
    for (const f of frames.slice(0, 10)) await scorer.push(f);
    scorer.reset();
    const results = [];
    for (const f of frames) results.push(await scorer.push(f));
    expect(results.findIndex((r) => r !== null)).toBe(14);
    await scorer.close();
  });

  it('refuses a model trained on columns the engine cannot measure, naming them', async () => {
    const offline = await liveModelFromReviewedSessions('all');
    await expect(TemporalScorer.load(offline)).rejects.toThrow(/model uses columns the engine cannot measure live \(mouth_area, watch, headphone, earpiece, chits, sheet, H-Distance, F-Distance\); train one with --columns live/);
    await (await TemporalScorer.load(offline, { allowUnmappedColumns: true })).close();
  });

  it('refuses a folder without metadata, and metadata that is not a temporal model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-scorer-'));
    await expect(TemporalScorer.load(dir)).rejects.toThrow(/metadata.json: no such file/);
    writeFileSync(join(dir, 'metadata.json'), '{"format": "something-else"}');
    await expect(TemporalScorer.load(dir)).rejects.toThrow(/metadata.json: not temporal model metadata \(format:/);
  });

  it('loads onnxruntime-node only: no TensorFlow.js (a dev dependency, for training) in a session', () => {
    const probe = `
      import { createRequire } from 'node:module';
      await import(${JSON.stringify(join(import.meta.dirname, 'scorer.ts'))});
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ tf: loaded.some((p) => p.includes('@tensorflow')), ort: loaded.some((p) => p.includes('onnxruntime-node')) }));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(JSON.parse(result.stdout)).toEqual({ tf: false, ort: true });
  });

  it('runs without a default model and says why', async () => {
    const { scorer, reason } = await loadDefaultTemporalScorer({ VIGIL_MODELS_DIR: mkdtempSync(join(tmpdir(), 'vigil-models-')) });
    expect(scorer).toBeNull();
    expect(reason).toMatch(/^no temporal model: Vigil ships none and .*temporal has no usable one/);
  });
});
