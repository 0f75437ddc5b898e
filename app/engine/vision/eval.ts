/**
 * `vigil eval vision`: what the pipeline measures on ../shared/data (layout in its README.md). Prints figures;
 * thresholds belong to the reader, not to tests. Each part is skipped with a note when its folder is missing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameFeatures } from '../features/schema';
import { MissingDataError } from '../data-sets';
import { openFrames, readImage } from '../media/frames';
import { iou, type Box } from './boxes';
import { detectObjects, type CocoLabel } from './objects';
import { VisionPipeline } from './pipeline';
import { openModels } from './sessions';

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

const OBJECT_CLASSES: Record<number, CocoLabel> = { 0: 'person', 63: 'laptop', 67: 'cell phone', 73: 'book' };

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
  };
  const clips = ['center_left_center.mp4', 'center_focus.mp4'].map((c) => d('gaze-video', c)).filter(existsSync);
  const total = Object.values(sets).reduce((a, s) => a + s.length, 0) + clips.length * 180;
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

    // Objects: CenterNet on each image against its YOLO labels, for the four classes of interest.
    const objects: Record<string, { truth: number; detected: number; matched: number; precision: number | null; recall: number | null }> = {};
    if (sets.objects.length) {
      const { centernet } = await openModels(['centernet']);
      const tally = Object.fromEntries(Object.values(OBJECT_CLASSES).map((l) => [l, { truth: 0, detected: 0, matched: 0 }]));
      for (const path of sets.objects) {
        const frame = await readImage(path);
        const labelPath = path.replace(/images([/\\])([^/\\]+)\.\w+$/, 'labels$1$2.txt');
        const truth: { label: CocoLabel; box: Box }[] = existsSync(labelPath)
          ? readFileSync(labelPath, 'utf8').trim().split('\n').filter(Boolean).flatMap((line) => {
              const [c, cx, cy, w, h] = line.trim().split(/\s+/).map(Number) as [number, number, number, number, number];
              const label = OBJECT_CLASSES[c];
              return label ? [{ label, box: { x: (cx - w / 2) * frame.width, y: (cy - h / 2) * frame.height, w: w * frame.width, h: h * frame.height } }] : [];
            })
          : [];
        const found = (await detectObjects(centernet, frame)).filter((o) => o.score >= 0.3 && Object.values(OBJECT_CLASSES).includes(o.label));
        for (const label of Object.values(OBJECT_CLASSES)) {
          const t = truth.filter((x) => x.label === label);
          const p = found.filter((x) => x.label === label).sort((a, b) => b.score - a.score);
          const used = new Set<number>();
          let matched = 0;
          for (const det of p) {
            const best = t.map((g, i) => ({ i, v: used.has(i) ? 0 : iou(det.box, g.box) })).sort((a, b) => b.v - a.v)[0];
            if (best && best.v >= 0.5) {
              used.add(best.i);
              matched++;
            }
          }
          tally[label]!.truth += t.length;
          tally[label]!.detected += p.length;
          tally[label]!.matched += matched;
        }
        tick(path);
      }
      await centernet.release();
      for (const [label, t] of Object.entries(tally)) objects[label] = { ...t, precision: round(t.matched / t.detected), recall: round(t.matched / t.truth) };
    }

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
      objects: { scoreThreshold: 0.3, iou: 0.5, classes: objects },
      missing,
    };
  } finally {
    await vision.release();
  }
}
