import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../engine/storage/store';
import { TemporalMetadata } from '../../engine/temporal/metadata';
import { storeFrames, syntheticCsv, syntheticFrames } from '../../engine/temporal/synthetic';

const bin = join(import.meta.dirname, '..', 'vigil.mjs');

function vigil(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: mkdtempSync(join(tmpdir(), 'vigil-home-')) } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function dataFolder(options: { dropColumns?: string[] } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-train-'));
  mkdirSync(join(dir, 'train'));
  mkdirSync(join(dir, 'test'));
  writeFileSync(join(dir, 'train', 'a.csv'), syntheticCsv([{ video: 'C', frames: 260, cheating: true }, { video: 'N', frames: 260, cheating: false }], { seed: 5, ...options }));
  writeFileSync(join(dir, 'test', 'b.csv'), syntheticCsv([{ video: 'C', frames: 80, cheating: true }, { video: 'N', frames: 80, cheating: false }], { seed: 6 }));
  return dir;
}

// Each case spawns `vigil` (tsx, and TensorFlow.js for training) once or several times: seconds each on a busy machine.
describe('vigil train', { timeout: 180_000 }, () => {
  it('temporal: prints a line per epoch and writes model.onnx, metadata.json and curves.png', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vigil-out-')), 'model');
    const { code, stdout, stderr } = vigil(['train', 'temporal', '--data', dataFolder(), '--out', out, '--model', 'gru', '--columns', 'live', '--epochs', '2', '--hidden', '8']);
    expect(stderr).toMatch(/^epoch 1\/2 {2}loss \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_auc [\d.]+ {2}lr 1\.0e-3/m);
    expect(stderr).toMatch(/^epoch 2\/2 /m);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^model {5}auc [\d.]+ {2}accuracy/m);
    expect(stdout).toMatch(/^baseline {2}auc [\d.]+ {2}accuracy/m);
    expect(readdirSync(out).sort()).toEqual(['curves.png', 'metadata.json', 'model.onnx']);
    const metadata = TemporalMetadata.parse(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')));
    expect(metadata).toMatchObject({ columnSet: 'live', live: true, unmappedColumns: [], config: { model: 'gru', window: 15, overlap: 5, threshold: 0.4 } });
    expect(metadata.metrics.test.confusion.tp + metadata.metrics.test.confusion.fn).toBe(7);
    expect(metadata.baseline.test.windows).toBe(metadata.metrics.test.windows);
    expect(metadata.baseline.allTrain?.test.windows).toBe(metadata.metrics.test.windows);
    expect(stdout).toMatch(/^\(the baseline fitted on every training-video window, validation part included: test auc [\d.]+\)$/m);
    expect(readFileSync(join(out, 'curves.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('temporal: a CSV missing columns is one line naming them, and nothing is written', () => {
    const data = dataFolder({ dropColumns: ['num_faces', 'gaze_zone'] });
    const out = join(mkdtempSync(join(tmpdir(), 'vigil-out-')), 'model');
    const { code, stderr } = vigil(['train', 'temporal', '--data', data, '--out', out]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toBe(`vigil: ${join(data, 'train', 'a.csv')}: missing columns: num_faces, gaze_zone`);
    expect(existsSync(out)).toBe(false);
  });

  it('temporal: interrupted, it leaves the model already in the output folder untouched', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigil-out-'));
    writeFileSync(join(out, 'model.onnx'), 'the previous model');
    const child = spawn(process.execPath, [bin, 'train', 'temporal', '--data', dataFolder(), '--out', out, '--hidden', '8'], { env: { ...process.env, VIGIL_HOME: mkdtempSync(join(tmpdir(), 'vigil-home-')) } });
    let stderr = '';
    let interrupted = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!interrupted && /^epoch +1\//m.test(stderr)) interrupted = child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/vigil: training interrupted; nothing was written/);
    expect(readdirSync(out)).toEqual(['model.onnx']);
    expect(readFileSync(join(out, 'model.onnx'), 'utf8')).toBe('the previous model');
  });

  it('temporal: without --data it uses the evaluation data folder and says in one line when that is missing', () => {
    const missing = join(tmpdir(), 'no-such-data-dir');
    const result = spawnSync(process.execPath, [bin, 'train', 'temporal', '--out', join(tmpdir(), 'unused')], { encoding: 'utf8', env: { ...process.env, VIGIL_DATA_DIR: missing } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`vigil: ${join(missing, 'exam-features')}: no such folder: the evaluation data is missing (set VIGIL_DATA_DIR or pass --data <dir>)\n`);
  });

  it('temporal: a wrong option is a usage error (exit 2)', () => {
    expect(vigil(['train', 'temporal', '--data', 'x', '--out', 'y', '--model', 'transformer'])).toMatchObject({ code: 2, stderr: 'vigil: --model: expected lstm or gru, got "transformer"\n' });
    expect(vigil(['train', 'temporal', '--data', 'x', '--out', 'y', '--columns', 'yaw'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^vigil: --columns: unknown column: yaw/) });
    expect(vigil(['train', 'temporal', '--data', 'x', '--out', 'y', '--monitor', 'accuracy'])).toMatchObject({ code: 2, stderr: 'vigil: --monitor: expected loss or auc, got "accuracy"\n' });
    expect(vigil(['train', 'temporal', '--data', 'x', '--out', 'y', '--class-weight', 'heavy'])).toMatchObject({ code: 2, stderr: 'vigil: --class-weight: expected none or balanced, got "heavy"\n' });
    expect(vigil(['train', 'temporal', '--data', 'x', '--out', 'y', '--input-clip', '0'])).toMatchObject({ code: 2, stderr: 'vigil: --input-clip: expected a positive number of standard deviations or none, got "0"\n' });
  });

  it('temporal --cv: per-fold and mean validation AUC of network and baseline, cv.json, and test/ never read', () => {
    const data = dataFolder();
    // A test/ the command would fail to load: cross-validation must not read it at all.
    writeFileSync(join(data, 'test', 'b.csv'), 'not,a,feature,table\n');
    const out = join(mkdtempSync(join(tmpdir(), 'vigil-out-')), 'cv');
    const { code, stdout, stderr } = vigil(['train', 'temporal', '--data', data, '--out', out, '--cv', '3', '--columns', 'live', '--epochs', '2', '--hidden', '8']);
    expect(stderr).toMatch(/^fold 1\/3 {2}epoch 1\/2 {2}loss \d\.\d{4} {2}val_loss/m);
    expect(stderr).toMatch(/^fold 3\/3 {2}epoch 2\/2 /m);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^cross-validation of LSTM .*: 3 blocked time folds of 2 training videos, 14 columns \(live\); test\/ not loaded: the test set plays no part in these figures$/m);
    expect(stdout.match(/^fold \d\/3 {2}windows train \d+, validation \d+ \(\d+ cheating\) {2}epochs 2 \(best \d\) {2}validation auc: model [\d.]+, baseline [\d.]+ /gm)).toHaveLength(3);
    expect(stdout).toMatch(/^mean validation auc over 3 folds: model [\d.]+ \(sd [\d.]+\), baseline [\d.]+ \(sd [\d.]+\)$/m);
    expect(readdirSync(out)).toEqual(['cv.json']);
    const cv = JSON.parse(readFileSync(join(out, 'cv.json'), 'utf8')) as { folds: { model: { auc: number } }[]; meanValidationAuc: { model: number }; data: { testSet: string } };
    expect(cv.folds).toHaveLength(3);
    expect(cv.meanValidationAuc.model).toBeCloseTo(cv.folds.reduce((a, f) => a + f.model.auc, 0) / 3, 10);
    expect(cv.data.testSet).toMatch(/^not loaded/);
  });

  it('temporal --cv: fewer than 2 folds is a usage error, more folds than time blocks one line naming the video', () => {
    expect(vigil(['train', 'temporal', '--data', 'x', '--cv', '1'])).toMatchObject({ code: 2, stderr: 'vigil: --cv: expected a whole number of folds, at least 2, got "1"\n' });
    const data = dataFolder();
    expect(vigil(['train', 'temporal', '--data', data, '--cv', '30'])).toMatchObject({
      code: 1,
      stderr: `vigil: ${join(data, 'train')}: 30 folds need at least 30 time blocks in every video, but a.csv#N has 25 windows, so only 25 blocks\n`,
    });
  });

  it('label and export: reviewed frames of a stored session become a training CSV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
    const db = join(dir, 'vigil.db');
    const store = openStore(db);
    storeFrames(store, 's1', syntheticFrames(40, true));
    store.close();
    expect(vigil(['train', 'export', '--db', db, '--out', join(dir, 'none.csv')])).toMatchObject({ code: 1, stderr: `vigil: ${db}: no reviewed frames to export (no reviewer labels cover any stored frame)\n` });
    expect(vigil(['train', 'label', '--db', db, '--session', 's1', '--from', '1', '--to', '2.05', '--cheating', '1', '--reviewer', 'alice']).code).toBe(0);
    expect(vigil(['train', 'label', '--db', db, '--session', 'nope', '--from', '1', '--to', '2', '--cheating', '1', '--reviewer', 'alice'])).toMatchObject({ code: 1, stderr: `vigil: nope: no such session in ${db}\n` });
    const out = join(dir, 'reviewed.csv');
    const { code, stdout } = vigil(['train', 'export', '--db', db, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote ${out}: 11 frames (11 cheating) from 1 reviewed session\n`);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^timestamp,verification_result,num_faces,.*,F-Distance,video,is_cheating$/);
    expect(lines[1]).toMatch(/^0-00-01\.000000,1,1,.*,s1,1$/);
    expect(vigil(['train', 'export', '--db', join(dir, 'missing.db'), '--out', out])).toMatchObject({ code: 1, stderr: `vigil: ${join(dir, 'missing.db')}: no such database\n` });
  });
});
