/**
 * `vigil eval vision`: what the pipeline measures on ../shared/data (layout in its README.md). Prints figures;
 * thresholds belong to the reader, not to tests. Each part is skipped with a note when its folder is missing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameFeatures } from '../features/schema';
import { MissingDataError } from '../data-sets';
import { openFrames, readImage } from '../media/frames';
import { IDENTITY_DESCRIPTOR, PREVIOUS_DESCRIPTOR, evaluateIdentity } from './identity-eval';
import { OBJECTS_SPLIT, OBJECT_MODELS, detectAll, fusedFigures, fusedWithMovenetFigures, objectFigures, openDetectors, splitImages, type DetectionsOfImage } from './object-eval';
import { VisionPipeline } from './pipeline';
import { defaultPolicy } from '../policy/policy';
import { readObjectFusion } from './object-fusion';
import { readObjectCalibration } from './score-calibration';

type Progress = (done: number, total: number, detail: string) => void;

const IMAGE = /\.(jpe?g|png|bmp|webp)$/i;
const round = (x: number, d = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => IMAGE.test(f)).sort().map((f) => join(dir, f)) : []);

/** Segments of center_left_center.mp4 (../shared/data/README.md): the gaps around the turns are left out. */
const GAZE_SEGMENTS = [
  { from: 0, to: 5, sideways: false },
  { from: 5.5, to: 10, sideways: true },
  { from: 10.5, to: 15, sideways: false },
];

async function featuresOfImages(vision: VisionPipeline, paths: string[], tick: (detail: string) => void): Promise<FrameFeatures[]> {
  const out: FrameFeatures[] = [];
  for (const p of paths) {
    vision.reset();
    out.push((await vision.process(await readImage(p))).features);
    tick(p);
  }
  return out;
}

function faceCounts(rows: FrameFeatures[]) {
  const exactlyOne = rows.filter((r) => r.face_count === 1).length;
  return { images: rows.length, exactlyOneFace: exactlyOne, none: rows.filter((r) => r.face_count === 0).length, more: rows.filter((r) => r.face_count > 1).length, exactlyOneRate: round(exactlyOne / rows.length) };
}

function headAndGaze(rows: FrameFeatures[]) {
  const faces = rows.filter((r) => r.face_count > 0);
  const abs = (k: 'yaw' | 'gaze_h' | 'pitch') => faces.map((r) => Math.abs(r[k] ?? Number.NaN)).filter(Number.isFinite);
  const zones: Record<string, number> = {};
  for (const r of faces) zones[r.gaze_zone] = (zones[r.gaze_zone] ?? 0) + 1;
  return {
    frames: rows.length,
    withFace: faces.length,
    meanAbsYaw: round(mean(abs('yaw')), 2),
    meanAbsPitch: round(mean(abs('pitch')), 2),
    meanAbsGazeH: round(mean(abs('gaze_h'))),
    offCentreRate: round(faces.filter((r) => r.gaze_zone !== 'center').length / faces.length),
    zones,
  };
}

/** APCER: attacks accepted as real; BPCER: real faces rejected; at the given score threshold, faces found only. */
function spoofRates(real: FrameFeatures[], attack: FrameFeatures[], key: 'antispoof' | 'liveness', threshold: number) {
  const scores = (rows: FrameFeatures[]) => rows.map((r) => r[key]).filter((s): s is number => s !== null);
  const r = scores(real);
  const a = scores(attack);
  return {
    threshold,
    realScored: r.length,
    attackScored: a.length,
    meanReal: round(mean(r)),
    meanAttack: round(mean(a)),
    apcer: round(a.filter((s) => s >= threshold).length / a.length),
    bpcer: round(r.filter((s) => s < threshold).length / r.length),
  };
}


export async function evaluateVision(dataDir: string, onProgress: Progress = () => {}) {
  if (!existsSync(dataDir)) throw new MissingDataError(`${dataDir}: missing (set VIGIL_DATA_DIR to the evaluation data)`);
  const d = (...p: string[]) => join(dataDir, ...p);
  const sets = {
    cheating: list(d('exam-frames', 'cheating_frames')),
    notCheating: list(d('exam-frames', 'not_cheating_frames')),
    printReal: list(d('spoof-print', 'real')),
    printAttack: list(d('spoof-print', 'print')),
    replayReal: list(d('spoof-replay', 'real')),
    replayAttack: list(d('spoof-replay', 'replay')),
    objects: list(d('objects', 'images')),
    identity: existsSync(d('liveness-seq', 'index.csv')) ? [d('liveness-seq', 'index.csv')] : [],
  };
  const clips = ['center_left_center.mp4', 'center_focus.mp4'].map((c) => d('gaze-video', c)).filter(existsSync);
  // Objects run three detectors over every image; identity reads every third frame of 16 live sequences (about 140).
  const total = Object.values(sets).reduce((a, s) => a + s.length, 0) + sets.objects.length * 2 + (sets.identity.length ? 140 : 0) + clips.length * 180;
  let done = 0;
  const tick = (detail: string) => onProgress(++done, total, detail.replace(dataDir, ''));
  const missing: string[] = [];
  for (const [name, paths] of Object.entries(sets)) if (paths.length === 0) missing.push(name);
  if (clips.length === 0) missing.push('gaze-video');
  if (missing.length === Object.keys(sets).length + 1) throw new MissingDataError(`${dataDir}: holds none of the vision data sets`);

  const vision = await VisionPipeline.open({ objectsEverySec: 0, identityEverySec: 0, textEverySec: 0 });
  try {
    const f = async (paths: string[]) => featuresOfImages(vision, paths, tick);
    const cheating = await f(sets.cheating);
    const notCheating = await f(sets.notCheating);
    const printReal = await f(sets.printReal);
    const printAttack = await f(sets.printAttack);
    const replayReal = await f(sets.replayReal);
    const replayAttack = await f(sets.replayAttack);

    const gaze: Record<string, unknown> = {};
    for (const clip of clips) {
      vision.reset();
      const rows: FrameFeatures[] = [];
      for await (const frame of (await openFrames(clip, 12)).frames) {
        rows.push((await vision.process(frame)).features);
        tick(clip);
      }
      const name = clip.split('/').pop()!;
      const segments = name === 'center_left_center.mp4' ? GAZE_SEGMENTS : [{ from: 0, to: Number.POSITIVE_INFINITY, sideways: false }];
      const inside = rows.filter((r) => segments.some((s) => s.sideways && r.t >= s.from && r.t <= s.to));
      const outside = rows.filter((r) => segments.some((s) => !s.sideways && r.t >= s.from && r.t <= s.to));
      const h = (rs: FrameFeatures[]) => rs.map((r) => r.gaze_h).filter((x): x is number => x !== null);
      const summary = (rs: FrameFeatures[]) => ({
        frames: rs.length,
        gazeHMean: round(mean(h(rs))),
        gazeHSd: round(sd(h(rs))),
        offCentreRate: round(rs.filter((r) => r.gaze_zone !== 'center').length / rs.length),
        zones: rs.reduce<Record<string, number>>((z, r) => ({ ...z, [r.gaze_zone]: (z[r.gaze_zone] ?? 0) + 1 }), {}),
      });
      gaze[name] = { centred: summary(outside), ...(inside.length ? { sideways: summary(inside), zoneAccuracy: round((inside.filter((r) => r.gaze_zone !== 'center').length + outside.filter((r) => r.gaze_zone === 'center').length) / (inside.length + outside.length)) } : {}) };
    }

    const objects = sets.objects.length ? await evaluateObjects(d('objects'), tick) : { skipped: `${d('objects')}: missing` };
    const identity = existsSync(d('liveness-seq', 'index.csv'))
      ? await evaluateIdentityFigures(d('liveness-seq'), vision, tick)
      : { skipped: `${d('liveness-seq')}: missing`, eer: null, pairs: 0 };

    return {
      faceCount: {
        examCheating: faceCounts(cheating),
        examNotCheating: faceCounts(notCheating),
        printReal: faceCounts(printReal),
        printAttack: faceCounts(printAttack),
        replayReal: faceCounts(replayReal),
        replayAttack: faceCounts(replayAttack),
      },
      examFrames: { cheating: headAndGaze(cheating), notCheating: headAndGaze(notCheating) },
      gazeVideo: gaze,
      antispoof: {
        print: spoofRates(printReal, printAttack, 'antispoof', 0.5),
        replay: spoofRates(replayReal, replayAttack, 'antispoof', 0.5),
      },
      liveness: {
        print: spoofRates(printReal, printAttack, 'liveness', 0.5),
        replay: spoofRates(replayReal, replayAttack, 'liveness', 0.5),
      },
      objects,
      identity,
      missing,
    };
  } finally {
    await vision.release();
  }
}

/**
 * Both detectors on the same images, at the policy's threshold: on the held-out part (the figures that count),
 * on the development part (which CenterNet's calibration was fitted on), each with and without its calibration.
 * A folder that is not the split's data set (other file names) is measured whole, as held-out.
 */
async function evaluateObjects(dir: string, tick: (detail: string) => void) {
  const threshold = defaultPolicy().rules.objectConfidence;
  const development = splitImages(dir, 'development');
  const heldOut = development.length ? splitImages(dir, 'heldOut') : splitImages(dir, 'all');
  const { detectors, release } = await openDetectors();
  try {
    const figures: Record<string, unknown> = {};
    const seen: Partial<Record<(typeof OBJECT_MODELS)[number], { dev: DetectionsOfImage[]; held: DetectionsOfImage[] }>> = {};
    for (const model of OBJECT_MODELS) {
      const calibration = readObjectCalibration(model);
      const dev = await detectAll(dir, development, detectors[model], tick);
      const held = await detectAll(dir, heldOut, detectors[model], tick);
      seen[model] = { dev, held };
      figures[model] = {
        calibration: calibration ? calibration.fittedOn : 'none (raw scores)',
        heldOut: objectFigures(held, threshold, calibration),
        development: objectFigures(dev, threshold, calibration),
        heldOutRaw: objectFigures(held, threshold, null),
      };
    }
    const fused = fusedFigures(seen.centernet!, seen.nanodet!, threshold, readObjectFusion());
    figures.fused = fused;
    figures.fusedWithMovenet = fusedWithMovenetFigures(seen.centernet!, seen.nanodet!, seen['movenet-multipose']!, threshold);
    // The top-level figures are the live detector's: fused when there is a fusion, CenterNet alone otherwise.
    const live = ('heldOut' in fused ? fused : figures.centernet) as { heldOut: ReturnType<typeof objectFigures> };
    return {
      detector: 'heldOut' in fused ? 'fused (centernet + nanodet)' : 'centernet',
      threshold,
      iou: 0.5,
      split: development.length ? `app/engine/vision/objects-split.json (${OBJECTS_SPLIT.development.length} development, ${OBJECTS_SPLIT.heldOut.length} held-out)` : 'whole folder as held-out (not the split\'s data set)',
      perClass: live.heldOut.perClass,
      ece: live.heldOut.ece,
      eceRaw: live.heldOut.eceRaw,
      eceDetections: live.heldOut.eceDetections,
      personCount: live.heldOut.personCount,
      detectors: figures,
    };
  } finally {
    await release();
  }
}

/** Identity figures with the chosen descriptor on top (`identity.eer`, `identity.pairs`) and every descriptor below. */
async function evaluateIdentityFigures(dir: string, vision: VisionPipeline, tick: (detail: string) => void) {
  const result = await evaluateIdentity(dir, vision, defaultPolicy().rules.identityBelow, tick);
  if (!result) return { skipped: `${dir}: no live sequences`, eer: null, pairs: 0 };
  const pick = (name: string) => result.descriptors.find((x) => x.descriptor === name)!;
  const [chosen, before] = [pick(IDENTITY_DESCRIPTOR), pick(PREVIOUS_DESCRIPTOR)];
  return {
    descriptor: IDENTITY_DESCRIPTOR,
    eer: chosen.eer,
    pairs: chosen.genuinePairs + chosen.impostorPairs,
    genuinePairs: chosen.genuinePairs,
    impostorPairs: chosen.impostorPairs,
    tarAtFar1: chosen.tarAtFar1,
    tarAtFar01: chosen.tarAtFar01,
    heldOut: chosen.heldOut,
    template: chosen.template,
    policyThreshold: defaultPolicy().rules.identityBelow,
    before: { descriptor: PREVIOUS_DESCRIPTOR, eer: before.eer, tarAtFar1: before.tarAtFar1, tarAtFar01: before.tarAtFar01, pairs: before.genuinePairs + before.impostorPairs, heldOut: before.heldOut },
    ...result,
  };
}
