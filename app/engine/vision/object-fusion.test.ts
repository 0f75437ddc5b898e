import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { Box } from './boxes';
import { FUSION_FEATURES, FUSION_FEATURES_MOVENET, detectObjectsFused, fitLogistic, fitObjectFusion, fuseCandidates, labelCandidates, readObjectFusion, scoreFused, type FusionExample } from './object-fusion';
import { COCO_LABELS, detectObjects, type DetectedObject } from './objects';
import { VisionPipeline } from './pipeline';
import { MIN_POSITIVES } from './score-calibration';
import { openModels } from './sessions';
import { sample } from './test-images';

const object = (label: (typeof COCO_LABELS)[number], raw: number, box: Box, calibrated = raw): DetectedObject => ({ label, classId: COCO_LABELS.indexOf(label), score: calibrated, rawScore: raw, box });
const logit = (p: number) => Math.log(p / (1 - p));

describe('fusing CenterNet and NanoDet boxes', () => {
  it('groups one object seen by both detectors, keeping each detector\'s raw score (not the calibrated one)', () => {
    const centernet = [object('person', 0.4, { x: 100, y: 50, w: 200, h: 400 }, 0.9)];
    const nanodet = [object('person', 0.6, { x: 110, y: 55, w: 195, h: 390 }, 0.8)];
    const [one, ...rest] = fuseCandidates(centernet, nanodet, 640, 480);
    expect(rest).toEqual([]);
    expect(one!.rawScore).toBe(0.6);
    // Its box is the best-scored one's (NanoDet's here).
    expect(one!.box).toEqual(nanodet[0]!.box);
    expect(one!.features[0]).toBeCloseTo(logit(0.4), 6);
    expect(one!.features[1]).toBeCloseTo(logit(0.6), 6);
    expect(one!.features[2]).toBeCloseTo(Math.log(2), 6);
    expect(one!.features[3]).toBeCloseTo(Math.log((195 * 390) / (640 * 480) + 1e-4), 6);
    expect(one!.features).toHaveLength(FUSION_FEATURES.length);
  });

  it('keeps objects of different classes or places apart, marks the unseen side low, and drops a partial duplicate', () => {
    const centernet = [
      object('book', 0.5, { x: 10, y: 10, w: 50, h: 80 }),
      object('cell phone', 0.45, { x: 10, y: 10, w: 50, h: 80 }),
      // Overlaps the book by IoU 0.43: the same book boxed differently, not a second one.
      object('book', 0.3, { x: 10, y: 10, w: 50, h: 80 * 0.43 }),
    ];
    const nanodet = [object('book', 0.7, { x: 300, y: 300, w: 40, h: 40 })];
    const found = fuseCandidates(centernet, nanodet, 640, 480);
    expect(found.map((c) => [c.label, c.rawScore])).toEqual([
      ['book', 0.7],
      ['book', 0.5],
      ['cell phone', 0.45],
    ]);
    // The far book was seen by NanoDet only: CenterNet's feature stands at the unseen level, below its 0.2 floor.
    expect(found[0]!.features[0]).toBeLessThan(logit(0.2));
    expect(found[0]!.features[2]).toBe(0);
  });
});

describe('MoveNet\'s people as a third detector', () => {
  it('adds its raw person score as a fifth feature, grouped with the other detectors\' box of the same person', () => {
    const box = { x: 100, y: 50, w: 200, h: 400 };
    const movenet = [object('person', 0.55, { ...box, x: 105 }, 0.95)];
    const [one, ...rest] = fuseCandidates([object('person', 0.4, box)], [], 640, 480, movenet);
    expect(rest).toEqual([]);
    expect(one!.features).toHaveLength(FUSION_FEATURES_MOVENET.length);
    expect(one!.features[4]).toBeCloseTo(logit(0.55), 6);
    expect(one!.features[2]).toBeCloseTo(Math.log(2), 6);
    // Without MoveNet the candidates keep the live fusion's four features (models/calibration/fusion.json).
    expect(fuseCandidates([object('person', 0.4, box)], [], 640, 480)[0]!.features).toHaveLength(FUSION_FEATURES.length);
    // A person MoveNet did not see stands at the unseen level.
    expect(fuseCandidates([object('person', 0.4, box)], [], 640, 480, [])[0]!.features[4]).toBeLessThan(logit(0.2));
  });
});

describe('fitting the fusion on labelled images', () => {
  it('marks each candidate against its image\'s truth of the same class at IoU 0.5, each truth box used once', () => {
    const example: FusionExample = {
      candidates: fuseCandidates([object('person', 0.9, { x: 0, y: 0, w: 100, h: 200 }), object('person', 0.3, { x: 400, y: 0, w: 100, h: 200 }), object('book', 0.5, { x: 0, y: 0, w: 100, h: 200 })], [], 640, 480),
      truth: [{ classId: 0, box: { x: 5, y: 5, w: 100, h: 200 } }],
    };
    const marks = labelCandidates(example).map((m) => [m.candidate.label, m.candidate.rawScore, m.correct]);
    expect(marks).toEqual([
      ['person', 0.9, true],
      ['person', 0.3, false],
      ['book', 0.5, false],
    ]);
  });

  it('learns that an object both detectors agree on is more often right than a higher-scored one that only one sees', () => {
    const rng = seedrandom('fusion');
    // Synthetic truth: right when both detectors saw it, whatever the single best score.
    const x: number[][] = [];
    const y: boolean[] = [];
    for (let i = 0; i < 600; i++) {
      const both = rng() < 0.5;
      const a = 0.2 + 0.6 * rng();
      const b = both ? 0.2 + 0.6 * rng() : 0.05;
      x.push([logit(a), logit(b), Math.log(both ? 2 : 1), Math.log(0.1)]);
      y.push(both ? rng() < 0.9 : rng() < 0.2);
    }
    const fit = fitLogistic(x, y);
    const fusion = { method: 'logistic' as const, features: [...FUSION_FEATURES], fittedOn: 'synthetic', classes: { person: fit }, fallback: fit };
    const agreed = fuseCandidates([object('person', 0.3, { x: 0, y: 0, w: 100, h: 100 })], [object('person', 0.3, { x: 0, y: 0, w: 100, h: 100 })], 400, 250)[0]!;
    const alone = fuseCandidates([object('person', 0.7, { x: 0, y: 0, w: 100, h: 100 })], [], 400, 250)[0]!;
    const [first, second] = scoreFused(fusion, [alone, agreed]);
    expect(first!.rawScore).toBe(0.3);
    expect(first!.score).toBeGreaterThan(0.7);
    expect(second!.score).toBeLessThan(0.35);
  });

  it('fits a class of its own only with enough right candidates; the others use the fit over every class', () => {
    const images: FusionExample[] = [];
    for (let i = 0; i < MIN_POSITIVES + 2; i++) {
      const person = { x: 10 * i, y: 0, w: 100, h: 200 };
      const phone = { x: 300, y: 10 * i, w: 20, h: 40 };
      images.push({
        candidates: fuseCandidates([object('person', 0.6, person), object('cell phone', 0.4, phone)], [object('person', 0.5, person)], 640, 480),
        // Every person is real; only the first MIN_POSITIVES - 1 phones are.
        truth: [{ classId: 0, box: person }, ...(i < MIN_POSITIVES - 1 ? [{ classId: 67, box: phone }] : [])],
      });
    }
    const fusion = fitObjectFusion(images, 'synthetic');
    expect(Object.keys(fusion.classes)).toEqual(['person']);
    expect(fusion.fallback.detections).toBe(2 * images.length);
    const [phone] = scoreFused(fusion, images[0]!.candidates.filter((c) => c.label === 'cell phone'));
    const { w } = fusion.fallback;
    const f = images[0]!.candidates.find((c) => c.label === 'cell phone')!.features;
    expect(phone!.score).toBeCloseTo(1 / (1 + Math.exp(-(w[0]! + f.reduce((a, v, j) => a + v * w[j + 1]!, 0)))), 10);
  });
});

describe('the live pipeline\'s object detector', () => {
  it('is the committed fusion of CenterNet and NanoDet, not CenterNet alone', async () => {
    const fusion = readObjectFusion();
    expect(fusion, 'models/calibration/fusion.json is committed').not.toBeNull();
    const frame = { ...(await sample('samples.jpg')), t: 0, index: 0 };
    const vision = await VisionPipeline.open({ workers: false, livenessEverySec: 0, emotionEverySec: 0, identityEverySec: 0, textEverySec: 0 });
    const live = (await vision.process(frame)).objects!;
    await vision.release();
    const { centernet, nanodet } = await openModels(['centernet', 'nanodet']);
    const fused = await detectObjectsFused(centernet, nanodet, fusion!, frame);
    const alone = await detectObjects(centernet, frame);
    await Promise.all([centernet.release(), nanodet.release()]);
    const people = (objects: DetectedObject[]) => objects.filter((o) => o.label === 'person').map((o) => o.score.toFixed(4));
    expect(people(live).length).toBeGreaterThanOrEqual(5);
    expect(people(live)).toEqual(people(fused));
    expect(people(live)).not.toEqual(people(alone));
  }, 120_000);
});
