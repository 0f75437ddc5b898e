/**
 * MoveNet MultiPose: the TypeScript decode against the TensorFlow.js graph's own post-processing, and people counted
 * on real photos from @vladmandic/human's samples.jpg (a party of three, one woman on a stool, the man at the table
 * pasted partly into the frame beside the face-id portrait, as analyze-objects.test.ts builds its second person).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../media/frames';
import { defaultPolicy } from '../policy/policy';
import { requireHumanModels } from '../../../models/convert/human-models';
import { decodeMovenet, detectPeopleMovenet, movenetHeads, movenetInput, MOVENET_SIZE } from './movenet';
import { openModels, type Model } from './sessions';
import { editedSample, sample, samplePath } from './test-images';

let model: Model;
beforeAll(async () => {
  model = (await openModels(['movenet-multipose']))['movenet-multipose'];
});
afterAll(async () => model.release());

const threshold = defaultPolicy().rules.objectConfidence;
const counted = async (frame: Awaited<ReturnType<typeof sample>>) => (await detectPeopleMovenet(model, frame)).filter((p) => p.score >= threshold);

describe('decoding MoveNet MultiPose heads', () => {
  it('gives the TensorFlow.js graph\'s own six people (keypoints, box, score) within 1e-4 on a real photo', async () => {
    const jsonPath = join(requireHumanModels(), 'models', 'movenet-multipose.json');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { modelTopology: object; format?: string; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
    const data = readFileSync(jsonPath.replace(/\.json$/, '.bin'));
    await tf.setBackend('cpu');
    const graph = await loadGraphModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), format: json.format }) });
    const input = movenetInput(await sample('samples.jpg')).map(Math.round);
    const want = tf.tidy(() => (graph.execute(tf.tensor(Int32Array.from(input), [1, MOVENET_SIZE, MOVENET_SIZE, 3], 'int32')) as tf.Tensor).dataSync());
    graph.dispose();
    const people = decodeMovenet(movenetHeads(model, await model.run(input)));
    expect(want.length).toBe(6 * 56);
    expect(people).toHaveLength(6);
    let worst = 0;
    people.forEach((p, i) => [...p.keypoints.flat(), ...p.box, p.score].forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[i * 56 + j]!)))));
    expect(worst).toBeLessThanOrEqual(1e-4);
    // Not a vacuous match: the crowd photo has people the graph scores.
    expect(want[55]!).toBeGreaterThan(0.2);
  }, 120_000);
});

describe('counting people with MoveNet MultiPose at the policy\'s confidence', () => {
  it('counts the three people of the party photo and the one woman on the stool', async () => {
    expect(await counted(await editedSample('samples.jpg', 'crop=130:158:1131:0'))).toHaveLength(3);
    expect(await counted(await editedSample('samples.jpg', 'crop=106:158:797:0'))).toHaveLength(1);
  }, 60_000);

  it('counts a second person partly in frame beside the candidate, and only the candidate alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-movenet-'));
    const p = (name: string) => join(dir, name);
    const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
    ffmpeg('-i', samplePath('screenshot-faceid.jpg'), '-vf', 'crop=140:140:14:141,scale=480:480,pad=640:480:0:0:0x2a2a2a', p('alone.png'));
    ffmpeg('-i', samplePath('samples.jpg'), '-vf', 'crop=210:160:327:0,scale=315:240', p('man.png'));
    ffmpeg('-i', p('alone.png'), '-i', p('man.png'), '-filter_complex', '[0][1]overlay=325:240', p('second-person.png'));
    const alone = await counted(await readImage(p('alone.png')));
    const two = await counted(await readImage(p('second-person.png')));
    expect(alone).toHaveLength(1);
    expect(two).toHaveLength(2);
    // The second one is the man pasted at x >= 325, y >= 240 (partly out of the 640x480 frame).
    const man = two.find((b) => b.box.x > 300)!;
    expect(man.box.y + man.box.h).toBeGreaterThan(300);
  }, 60_000);
});
