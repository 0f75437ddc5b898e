/**
 * Object detectors on a COCO-format image set (`objects/`: images/*.jpg, labels/*.txt with YOLO boxes): the fixed
 * development / held-out split (objects-split.json), detections per image, and the figures `vigil eval vision`
 * and `vigil calibrate objects` report. Reads only the folder it is given.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readImage } from '../media/frames';
import type { Box } from './boxes';
import { averagePrecision, expectedCalibrationError, matchDetections, precisionRecallAt, type Scored } from './detection-metrics';
import { MissingDataError } from '../data-sets';
import { detectPeopleMovenet } from './movenet';
import { detectObjectsNanodet } from './nanodet';
import { FUSION_FEATURES_MOVENET, fitObjectFusion, fuseCandidates, fusionPath, scoreFused, type FusionExample, type ObjectFusion } from './object-fusion';
import { COCO_LABELS, OBJECT_DEFAULTS, detectObjects, type DetectedObject } from './objects';
import { calibrate, calibrationPath, fitObjectCalibration, writeCommittedJson, type ObjectCalibration } from './score-calibration';
import { openModels } from './sessions';
import splitJson from './objects-split.json';

/** The classes a proctor cares about, as COCO names them. */
export const PROCTOR_CLASSES = ['person', 'cell phone', 'book', 'laptop'] as const;

const Split = z.object({ development: z.array(z.string()), heldOut: z.array(z.string()) });
export const OBJECTS_SPLIT = Split.parse(splitJson);
export type SplitPart = 'development' | 'heldOut';

export interface LabelledImage {
  file: string;
  path: string;
  /** COCO class index and box in frame pixels. */
  truth: { classId: number; box: Box }[];
}

/** Images of the folder that the split puts in `part` (every image when the folder is not the split's data set). */
export function splitImages(dir: string, part: SplitPart | 'all'): string[] {
  const images = join(dir, 'images');
  if (!existsSync(images)) return [];
  const all = readdirSync(images).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  if (part === 'all') return all;
  const known = new Set(OBJECTS_SPLIT[part]);
  return all.filter((f) => known.has(f));
}

/** YOLO label lines (`class cx cy w h`, normalised) to boxes in pixels. */
export function parseYoloLabels(text: string, width: number, height: number): LabelledImage['truth'] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [c, cx, cy, w, h] = line.split(/\s+/).map(Number) as [number, number, number, number, number];
      return { classId: c, box: { x: (cx - w / 2) * width, y: (cy - h / 2) * height, w: w * width, h: h * height } };
    });
}

export type Detector = (frame: Awaited<ReturnType<typeof readImage>>) => Promise<DetectedObject[]>;

export interface DetectionsOfImage {
  file: string;
  width: number;
  height: number;
  truth: LabelledImage['truth'];
  detections: DetectedObject[];
}

export async function detectAll(dir: string, files: readonly string[], detector: Detector, tick: (file: string) => void = () => {}): Promise<DetectionsOfImage[]> {
  const out: DetectionsOfImage[] = [];
  for (const file of files) {
    const frame = await readImage(join(dir, 'images', file));
    const labels = join(dir, 'labels', file.replace(/\.\w+$/, '.txt'));
    const truth = existsSync(labels) ? parseYoloLabels(readFileSync(labels, 'utf8'), frame.width, frame.height) : [];
    out.push({ file, width: frame.width, height: frame.height, truth, detections: await detector(frame) });
    tick(file);
  }
  return out;
}

/** Each class's detections marked right or wrong, with its truth count; scores through `score` (raw or calibrated). */
export function scoredByClass(images: readonly DetectionsOfImage[], score: (d: DetectedObject) => number, classes: readonly string[] = COCO_LABELS): Record<string, { scored: Scored[]; truth: number }> {
  const out: Record<string, { scored: Scored[]; truth: number }> = {};
  for (const label of classes) {
    const classId = COCO_LABELS.indexOf(label as (typeof COCO_LABELS)[number]);
    const entry = { scored: [] as Scored[], truth: 0 };
    for (const image of images) {
      const truth = image.truth.filter((t) => t.classId === classId).map((t) => t.box);
      entry.truth += truth.length;
      entry.scored.push(...matchDetections(image.detections.filter((d) => d.classId === classId).map((d) => ({ score: score(d), box: d.box })), truth));
    }
    out[label] = entry;
  }
  return out;
}

/** The detector's own score, whether or not the model applied a calibration already. */
const raw = (d: DetectedObject) => d.rawScore ?? d.score;

const round = (x: number | null, d = 3) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

/** People per image at the threshold against the truth: exact count, and none / one / several. */
export function personCounts(images: readonly DetectionsOfImage[], score: (d: DetectedObject) => number, threshold: number) {
  const bucket = (n: number) => Math.min(n, 2);
  let exact = 0;
  let buckets = 0;
  let severalTruth = 0;
  let severalFound = 0;
  for (const image of images) {
    const truth = image.truth.filter((t) => t.classId === 0).length;
    const found = image.detections.filter((d) => d.classId === 0 && score(d) >= threshold).length;
    if (truth === found) exact++;
    if (bucket(truth) === bucket(found)) buckets++;
    if (truth >= 2) {
      severalTruth++;
      if (found >= 2) severalFound++;
    }
  }
  return {
    images: images.length,
    exactAccuracy: round(exact / images.length),
    noneOneSeveralAccuracy: round(buckets / images.length),
    imagesWithSeveral: severalTruth,
    severalFoundRate: round(severalTruth ? severalFound / severalTruth : null),
  };
}

/** Per-class precision/recall at the threshold and AP, ECE over the proctor classes, person counts. */
export function objectFigures(images: readonly DetectionsOfImage[], threshold: number, calibration: ObjectCalibration | null) {
  const calibrated = calibration ? (d: DetectedObject) => calibrate(calibration, d.label, raw(d)) : raw;
  const byClass = scoredByClass(images, calibrated, PROCTOR_CLASSES);
  const rawByClass = scoredByClass(images, raw, PROCTOR_CLASSES);
  const perClass: Record<string, { precision: number | null; recall: number | null; n: number; detections: number; ap: number | null; recallAtFloor: number | null }> = {};
  for (const label of PROCTOR_CLASSES) {
    const { scored, truth } = byClass[label]!;
    const pr = precisionRecallAt(scored, truth, threshold);
    // What any threshold could reach: the share of truth boxes some detection above the detector's floor matched.
    const floor = precisionRecallAt(scored, truth, 0);
    perClass[label] = { precision: round(pr.precision), recall: round(pr.recall), n: truth, detections: pr.detections, ap: round(averagePrecision(scored, truth)), recallAtFloor: round(floor.recall) };
  }
  const all = (c: typeof byClass) => Object.values(c).flatMap((x) => x.scored);
  return {
    images: images.length,
    threshold,
    perClass,
    ece: round(expectedCalibrationError(all(byClass))),
    eceRaw: round(expectedCalibrationError(all(rawByClass))),
    eceDetections: all(byClass).length,
    personCount: personCounts(images, calibrated, threshold),
  };
}

/**
 * Both detectors fused (object-fusion.ts), scored by the committed fusion (models/calibration/fusion.json, fitted on
 * the development images by `vigil calibrate objects --model fused`: what the live pipeline runs), or, without one,
 * by a fusion fitted here on this run's development images; measured on both parts, from the same detections as the
 * single-detector figures. Skipped when there is neither a committed fusion nor development images to fit one on.
 */
type Seen = { dev: DetectionsOfImage[]; held: DetectionsOfImage[] };
export function fusedFigures(centernet: Seen, nanodet: Seen, threshold: number, committed: ObjectFusion | null) {
  if (!committed && centernet.dev.length === 0) return { skipped: 'no committed fusion and no development images to fit one on (not the split\'s data set)' };
  const dev = fusionExamples(centernet.dev, nanodet.dev);
  const held = fusionExamples(centernet.held, nanodet.held);
  const fusion = committed ?? fitObjectFusion(dev, `${developmentFittedOn(dev.length)}, fitted in this run`);
  // The fused score is the figure measured (no rawScore: objectFigures would measure the best raw score instead).
  const scored = (images: typeof dev): DetectionsOfImage[] =>
    images.map((x) => ({ file: x.file, width: x.width, height: x.height, truth: x.truth, detections: scoreFused(fusion, x.candidates).map(({ rawScore: _raw, ...o }) => o) }));
  return {
    fusion: { source: committed ? 'models/calibration/fusion.json' : 'fitted in this run', method: fusion.method, features: fusion.features, fittedOn: fusion.fittedOn, perClassFits: Object.keys(fusion.classes) },
    heldOut: objectFigures(scored(held), threshold, null),
    ...(dev.length ? { development: objectFigures(scored(dev), threshold, null) } : {}),
  };
}

/**
 * CenterNet, NanoDet and MoveNet MultiPose's people fused, the fusion fitted in this run on the development images
 * only (never on the held-out ones) and measured on both: MoveNet as a third person signal beside the live pair.
 */
export function fusedWithMovenetFigures(centernet: Seen, nanodet: Seen, movenet: Seen, threshold: number) {
  if (centernet.dev.length === 0) return { skipped: 'no development images to fit the fusion on (not the split\'s data set)' };
  const dev = fusionExamples(centernet.dev, nanodet.dev, movenet.dev);
  const held = fusionExamples(centernet.held, nanodet.held, movenet.held);
  const fusion = fitObjectFusion(dev, `${developmentFittedOn(dev.length)}, fitted in this run`, FUSION_FEATURES_MOVENET);
  const scored = (images: typeof dev): DetectionsOfImage[] =>
    images.map((x) => ({ file: x.file, width: x.width, height: x.height, truth: x.truth, detections: scoreFused(fusion, x.candidates).map(({ rawScore: _raw, ...o }) => o) }));
  return {
    fusion: { source: 'fitted in this run', features: fusion.features, fittedOn: fusion.fittedOn, perClassFits: Object.keys(fusion.classes) },
    heldOut: objectFigures(scored(held), threshold, null),
    development: objectFigures(scored(dev), threshold, null),
  };
}

const developmentFittedOn = (n: number) => `objects/ development part (${n} images, app/engine/vision/objects-split.json)`;

/** The development part of objects/ (objects-split.json), or the error saying the data set lacks it. */
function developmentImages(dataDir: string): { dir: string; files: string[] } {
  const dir = join(dataDir, 'objects');
  const files = splitImages(dir, 'development');
  if (files.length === 0) throw new MissingDataError(`${dir}: holds none of the development images named in app/engine/vision/objects-split.json`);
  return { dir, files };
}

/** The same images' detections of the detectors (same file order, as detectAll gives them), grouped for fusion. */
function fusionExamples(a: readonly DetectionsOfImage[], b: readonly DetectionsOfImage[], people?: readonly DetectionsOfImage[]): (FusionExample & Omit<DetectionsOfImage, 'detections'>)[] {
  return a.map((image, i) => ({ file: image.file, width: image.width, height: image.height, truth: image.truth, candidates: fuseCandidates(image.detections, b[i]!.detections, image.width, image.height, people?.[i]!.detections) }));
}

/** `vigil calibrate objects --model fused`: both detectors on the development images only, the fusion fitted and written. */
export async function fitObjectFusionOnDevelopment(dataDir: string, onProgress: (done: number, total: number, detail: string) => void = () => {}): Promise<{ fusion: ObjectFusion; path: string }> {
  const { dir, files } = developmentImages(dataDir);
  const { detectors, release } = await openDetectors();
  let done = 0;
  try {
    const tick = (f: string) => onProgress(++done, files.length * 2, f);
    const a = await detectAll(dir, files, detectors.centernet, tick);
    const b = await detectAll(dir, files, detectors.nanodet, tick);
    const fusion = fitObjectFusion(fusionExamples(a, b), developmentFittedOn(files.length));
    const path = fusionPath();
    writeCommittedJson(path, fusion);
    return { fusion, path };
  } finally {
    await release();
  }
}

/** The detectors measured: CenterNet and NanoDet-m (the live pair) and MoveNet MultiPose (people), at the live floor and NMS. */
export async function openDetectors(): Promise<{ detectors: Record<ObjectModel, Detector>; release(): Promise<void> }> {
  const models = await openModels(OBJECT_MODELS);
  return {
    detectors: {
      centernet: (frame) => detectObjects(models.centernet, frame),
      nanodet: (frame) => detectObjectsNanodet(models.nanodet, frame),
      'movenet-multipose': (frame) => detectPeopleMovenet(models['movenet-multipose'], frame),
    },
    release: async () => void (await Promise.all(OBJECT_MODELS.map((m) => models[m].release()))),
  };
}
export const OBJECT_MODELS = ['centernet', 'nanodet', 'movenet-multipose'] as const;
export type ObjectModel = (typeof OBJECT_MODELS)[number];

/**
 * `vigil calibrate objects`: the live detector on the development images only, every class's detections marked
 * right or wrong, Platt fits per class (fallback over all classes); written to models/calibration/<model>.json.
 */
export async function fitObjectCalibrationOnDevelopment(dataDir: string, model: ObjectModel, onProgress: (done: number, total: number, detail: string) => void = () => {}): Promise<{ calibration: ObjectCalibration; path: string }> {
  const { dir, files } = developmentImages(dataDir);
  const { detectors, release } = await openDetectors();
  let done = 0;
  try {
    const images = await detectAll(dir, files, detectors[model], (f) => onProgress(++done, files.length, f));
    const byClass = Object.fromEntries(Object.entries(scoredByClass(images, raw)).map(([k, v]) => [k, v.scored]));
    const calibration = fitObjectCalibration(byClass, { model, fittedOn: developmentFittedOn(files.length), minRawScore: OBJECT_DEFAULTS.minScore });
    const path = calibrationPath(model);
    writeCommittedJson(path, calibration);
    return { calibration, path };
  } finally {
    await release();
  }
}
