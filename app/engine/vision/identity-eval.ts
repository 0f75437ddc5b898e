/**
 * Identity on NUAA live faces (`liveness-seq/real/`, subject in index.csv): genuine pairs are frames of the same
 * subject from different capture sessions, impostor pairs frames of different subjects. Each descriptor is a model
 * with a crop: the upright 1.5x FaceMesh region the live pipeline cuts for its other face models, or the face
 * aligned to ArcFace's template (`face-align.ts`), with or without its mirror image. Figures are EER and TAR at
 * FAR 1 % and 0.1 % with n; the threshold is also chosen on some subjects and tried on the others (`heldOut`),
 * and an enrolment template (a capture's frames averaged) is compared with single frames (`template`). The live
 * app's own protocol, enrolment from the photo and matching challenge frames (`enrolment.ts`) checked by single
 * frames and by the rule's 3-frame runs, is `enrolmentFigures`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImage, type RgbFrame } from '../media/frames';
import type { FrameFeatures } from '../features/schema';
import { verificationCurve } from './detection-metrics';
import { FaceEnrolment, enrolmentFrameProblem } from './enrolment';
import { alignedCrop } from './face-align';
import { cosineSimilarity, faceDescriptor, meanDirection } from './face-attributes';
import type { Point3 } from './face-mesh';
import { RAW, TO_SIGNED, cropToTensor, type Crop, type Normalise } from './image-ops';
import type { VisionPipeline } from './pipeline';
import { openModels, type Model, type ModelName } from './sessions';

interface Descriptor {
  model: ModelName;
  crop: 'mesh' | 'aligned';
  /** Mirror image too (the unit descriptors summed). */
  flip: boolean;
  normalise: Normalise;
}

/**
 * The descriptors compared. faceres was Vigil's until #22's first measurement, `faceres-deep` (mesh crop) until
 * this one. The MobileFace nets get the aligned 112x112 crop they were trained on; MobileFace (insightface) takes
 * 0..255 (its graph normalises), MobileFaceNet (sirius-ai) (x - 127.5) / 128, and every input range, channel order
 * and crop tried gave it near-identical embeddings for every face (vision README).
 */
export const DESCRIPTORS = {
  faceres: { model: 'faceres', crop: 'mesh', flip: false, normalise: RAW },
  'faceres-deep': { model: 'faceres-deep', crop: 'mesh', flip: false, normalise: RAW },
  'faceres-deep-aligned': { model: 'faceres-deep', crop: 'aligned', flip: true, normalise: RAW },
  mobilefacenet: { model: 'mobilefacenet', crop: 'aligned', flip: false, normalise: TO_SIGNED },
  mobileface: { model: 'mobileface', crop: 'aligned', flip: false, normalise: RAW },
} as const satisfies Record<string, Descriptor>;
export type DescriptorName = keyof typeof DESCRIPTORS;
/** The descriptor the pipeline uses for identity: `faceDescriptor` (face-attributes.ts) computes exactly this one. */
export const IDENTITY_DESCRIPTOR = 'faceres-deep-aligned' satisfies DescriptorName;
export const IDENTITY_MODEL = DESCRIPTORS[IDENTITY_DESCRIPTOR].model;
/** The descriptor Vigil used before this one, reported beside it. */
export const PREVIOUS_DESCRIPTOR = 'faceres-deep' satisfies DescriptorName;

/** The descriptor of one face with the given model (any output length), L2-normalised. */
export async function describeFace(model: Model, name: DescriptorName, frame: RgbFrame, face: { crop: Crop; points: readonly Point3[] }): Promise<Float32Array> {
  const spec: Descriptor = DESCRIPTORS[name];
  if (name === IDENTITY_DESCRIPTOR) return faceDescriptor(model, frame, face.points);
  const [h, w] = model.inputSize;
  const crop = spec.crop === 'mesh' ? face.crop : alignedCrop(face.points);
  const size = w * h * 3;
  const views = spec.flip ? 2 : 1;
  const input = new Float32Array(views * size);
  cropToTensor(frame, crop, w, h, spec.normalise, input, 0);
  if (spec.flip) cropToTensor(frame, { ...crop, flip: true }, w, h, spec.normalise, input, size);
  const out = await model.run(input, views);
  return meanDirection(out[model.entry.outputs[0]!.name]!, views);
}

interface Sequence {
  name: string;
  subject: string;
  session: string;
  frames: string[];
}

function liveSequences(dir: string, everyNth: number): Sequence[] {
  const index = join(dir, 'index.csv');
  if (!existsSync(index)) return [];
  return readFileSync(index, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter(([, label]) => label === 'live')
    .map(([sequence, , subject, count]) => {
      const frames = Array.from({ length: Number(count) }, (_, i) => join(dir, sequence!, `${String(i + 1).padStart(4, '0')}.jpg`)).filter((_, i) => i % everyNth === 0);
      return { name: sequence!, subject: subject!, session: sequence!.split('_').pop()!, frames };
    });
}

/** Equal error rate and true accepts at 1 % and 0.1 % false accepts, each with its threshold. */
interface RateCurve {
  eer: number;
  eerThreshold: number;
  tarAtFar1: number;
  thresholdAtFar1: number;
  tarAtFar01: number;
  thresholdAtFar01: number;
}

export interface IdentityFigures extends RateCurve {
  descriptor: DescriptorName;
  genuinePairs: number;
  impostorPairs: number;
  /**
   * Leave-subjects-out: per fold, the EER threshold of the pairs among the other folds' subjects, applied to the
   * pairs that hold one of this fold's subjects (genuine: both). Rates pooled over folds, with their counts.
   */
  heldOut: { thresholds: number[]; far: number; frr: number; genuinePairs: number; impostorPairs: number };
  /** Enrolment template (one capture's frames averaged) against single frames of other captures. */
  template: { eer: number; eerThreshold: number; tarAtFar1: number; tarAtFar01: number; genuine: number; impostor: number };
}

/** The enrolment the live app runs (`enrolmentFigures`), judged on single frames and on the rule's episodes. */
export interface EnrolmentFigures {
  descriptor: DescriptorName;
  /** False accept and reject rates at the policy's threshold (`matchAtLeast`), single frames and episodes. */
  atPolicyThreshold: { threshold: number; single: { far: number; frr: number }; episode: { far: number; frr: number } };
  /** Frames each enrolment was built from (the photo's included): mean, min, max. */
  framesPerEnrolment: { mean: number; min: number; max: number };
  matchAtLeast: number;
  single: ProtocolCurve;
  /** `identity_mismatch` needs 3 measured frames in a row below the threshold: a run's score is its highest. */
  episode: ProtocolCurve & {
    windowFrames: number;
    /** Leave-subjects-out: each fold's EER threshold from the other folds' enrolments and probes, tried on its own. */
    heldOut: { thresholds: number[]; far: number; frr: number; genuine: number; impostor: number };
  };
}
interface ProtocolCurve extends RateCurve {
  genuine: number;
  impostor: number;
}

const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

interface Face {
  subject: string;
  session: string;
  sequence: string;
  /** Seconds into its capture (NUAA's thinned frames are about a second apart). */
  t: number;
  /** What the enrolment's gate reads (enrolment.ts). */
  features: Pick<FrameFeatures, 'face_count' | 'yaw' | 'pitch' | 'blink'>;
  d: Record<DescriptorName, Float32Array>;
}

/**
 * Subjects dealt into `k` folds: those with two capture sessions (the only ones with genuine pairs) first, then the
 * rest, each group in id order and dealt in turn, so every fold holds genuine pairs. With NUAA's 9 subjects: 3 folds
 * of 3 (two with genuine pairs each).
 */
export function subjectFolds(faces: readonly { subject: string; session: string }[], k = 3): string[][] {
  const sessions = new Map<string, Set<string>>();
  for (const f of faces) sessions.set(f.subject, (sessions.get(f.subject) ?? new Set()).add(f.session));
  const subjects = [...sessions.keys()].sort();
  const ordered = [...subjects.filter((s) => sessions.get(s)!.size > 1), ...subjects.filter((s) => sessions.get(s)!.size === 1)];
  const folds: string[][] = Array.from({ length: k }, () => []);
  ordered.forEach((s, i) => folds[i % k]!.push(s));
  return folds.filter((f) => f.length > 0);
}

/** Genuine and impostor similarities over pairs where `take(a, b)` holds. */
function pairScores(faces: readonly Face[], name: DescriptorName, take: (a: Face, b: Face) => boolean) {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const [a, b] = [faces[i]!, faces[j]!];
      if (!take(a, b)) continue;
      if (a.subject !== b.subject) impostor.push(cosineSimilarity(a.d[name], b.d[name]));
      else if (a.session !== b.session) genuine.push(cosineSimilarity(a.d[name], b.d[name]));
    }
  }
  return { genuine, impostor };
}

function heldOut(faces: readonly Face[], name: DescriptorName, folds: readonly string[][]): IdentityFigures['heldOut'] {
  const thresholds: number[] = [];
  let [falseAccepts, falseRejects, genuinePairs, impostorPairs] = [0, 0, 0, 0];
  for (const fold of folds) {
    const test = (f: Face) => fold.includes(f.subject);
    const dev = pairScores(faces, name, (a, b) => !test(a) && !test(b));
    const t = verificationCurve(dev.genuine, dev.impostor).eerThreshold;
    thresholds.push(round(t));
    const held = pairScores(faces, name, (a, b) => test(a) || test(b));
    falseAccepts += held.impostor.filter((x) => x >= t).length;
    falseRejects += held.genuine.filter((x) => x < t).length;
    genuinePairs += held.genuine.length;
    impostorPairs += held.impostor.length;
  }
  return { thresholds, far: round(falseAccepts / impostorPairs), frr: round(falseRejects / genuinePairs), genuinePairs, impostorPairs };
}

function templateFigures(faces: readonly Face[], name: DescriptorName): IdentityFigures['template'] {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const sequence of new Set(faces.map((f) => f.sequence))) {
    const own = faces.filter((f) => f.sequence === sequence);
    const template = meanDirection(concat(own.map((f) => f.d[name])), own.length);
    const { subject, session } = own[0]!;
    for (const f of faces) {
      if (f.subject !== subject) impostor.push(cosineSimilarity(template, f.d[name]));
      else if (f.session !== session) genuine.push(cosineSimilarity(template, f.d[name]));
    }
  }
  const curve = verificationCurve(genuine, impostor);
  return { eer: round(curve.eer), eerThreshold: round(curve.eerThreshold), tarAtFar1: round(curve.tarAt(0.01).tar), tarAtFar01: round(curve.tarAt(0.001).tar), genuine: genuine.length, impostor: impostor.length };
}

function protocolCurve(genuine: readonly number[], impostor: readonly number[]): ProtocolCurve {
  const curve = verificationCurve(genuine, impostor);
  const [f1, f01] = [curve.tarAt(0.01), curve.tarAt(0.001)];
  return { eer: round(curve.eer), eerThreshold: round(curve.eerThreshold), tarAtFar1: round(f1.tar), thresholdAtFar1: round(f1.threshold), tarAtFar01: round(f01.tar), thresholdAtFar01: round(f01.threshold), genuine: genuine.length, impostor: impostor.length };
}

/**
 * The protocol the live app runs: each capture enrols as the identity step does (its first usable frame is the
 * photo, later usable frames that match it join, `FaceEnrolment`), and every other capture is checked against it
 * frame by frame (genuine: same subject, other session; impostor: other subject), singly and as the rule's runs of
 * `ENROLMENT_EPISODE` frames.
 */
export function enrolmentFigures(faces: readonly Face[], name: DescriptorName, folds: readonly string[][], matchAtLeast: number): EnrolmentFigures {
  const sequences = [...new Set(faces.map((f) => f.sequence))].map((s) => faces.filter((f) => f.sequence === s).sort((a, b) => a.t - b.t));
  const enrolled = sequences.map((own) => {
    const photo = own.find((f) => enrolmentFrameProblem(f.features) === null) ?? own[0]!;
    const enrolment = new FaceEnrolment(photo.d[name], matchAtLeast);
    for (const f of own) if (f !== photo && f.t > photo.t && enrolment.wants(f.features, f.t)) enrolment.offer(f.d[name], f.t);
    return { subject: photo.subject, session: photo.session, enrolment };
  });
  type Trial = { genuine: boolean; subjects: [string, string]; single: number[]; episodes: number[] };
  const trials: Trial[] = [];
  for (const e of enrolled) {
    for (const probe of sequences) {
      const { subject, session } = probe[0]!;
      if (subject === e.subject && session === e.session) continue;
      const single = probe.map((f) => cosineSimilarity(e.enrolment.template, f.d[name]));
      const episodes = single.slice(ENROLMENT_EPISODE - 1).map((_, i) => Math.max(...single.slice(i, i + ENROLMENT_EPISODE)));
      trials.push({ genuine: subject === e.subject, subjects: [e.subject, subject], single, episodes });
    }
  }
  const scores = (take: (t: Trial) => boolean, key: 'single' | 'episodes') => ({
    genuine: trials.filter((t) => t.genuine && take(t)).flatMap((t) => t[key]),
    impostor: trials.filter((t) => !t.genuine && take(t)).flatMap((t) => t[key]),
  });
  const single = scores(() => true, 'single');
  const episodes = scores(() => true, 'episodes');
  const thresholds: number[] = [];
  let [fa, fr, genuine, impostor] = [0, 0, 0, 0];
  for (const fold of folds) {
    const held = (t: Trial) => t.subjects.some((s) => fold.includes(s));
    const dev = scores((t) => !held(t), 'episodes');
    const t = verificationCurve(dev.genuine, dev.impostor).eerThreshold;
    thresholds.push(round(t));
    const test = scores(held, 'episodes');
    fa += test.impostor.filter((x) => x >= t).length;
    fr += test.genuine.filter((x) => x < t).length;
    genuine += test.genuine.length;
    impostor += test.impostor.length;
  }
  const counts = enrolled.map((e) => e.enrolment.frames);
  const rates = (x: { genuine: number[]; impostor: number[] }) => ({ far: round(x.impostor.filter((v) => v >= matchAtLeast).length / x.impostor.length), frr: round(x.genuine.filter((v) => v < matchAtLeast).length / x.genuine.length) });
  return {
    descriptor: name,
    framesPerEnrolment: { mean: round(counts.reduce((a, b) => a + b, 0) / counts.length, 2), min: Math.min(...counts), max: Math.max(...counts) },
    matchAtLeast,
    atPolicyThreshold: { threshold: matchAtLeast, single: rates(single), episode: rates(episodes) },
    single: protocolCurve(single.genuine, single.impostor),
    episode: { ...protocolCurve(episodes.genuine, episodes.impostor), windowFrames: ENROLMENT_EPISODE, heldOut: { thresholds, far: round(fa / impostor), frr: round(fr / genuine), genuine, impostor } },
  };
}
/** Measured frames in a row that make an `identity_mismatch` episode (frame-rules.ts, minFrames). */
export const ENROLMENT_EPISODE = 3;

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

/** `matchAtLeast`: the similarity to the photo a frame needs to join an enrolment (the policy's `identityBelow`). */
export async function evaluateIdentity(dir: string, vision: VisionPipeline, matchAtLeast: number, tick: (detail: string) => void = () => {}, everyNth = 3) {
  const sequences = liveSequences(dir, everyNth);
  if (sequences.length === 0) return null;
  const names = Object.keys(DESCRIPTORS) as DescriptorName[];
  const models = await openModels([...new Set(names.map((n) => DESCRIPTORS[n].model))]);
  const faces: Face[] = [];
  let noFace = 0;
  try {
    for (const s of sequences) {
      for (const [k, path] of s.frames.entries()) {
        const frame = await readImage(path);
        vision.reset();
        const result = await vision.process(frame);
        const face = result.faces[0];
        tick(path);
        if (!face) {
          noFace++;
          continue;
        }
        const d = {} as Record<DescriptorName, Float32Array>;
        for (const name of names) d[name] = await describeFace(models[DESCRIPTORS[name].model], name, frame, face.mesh);
        faces.push({ subject: s.subject, session: s.session, sequence: s.name, t: k * everyNth, features: result.features, d });
      }
    }
  } finally {
    await Promise.all(Object.values<Model>(models).map((m) => m.release()));
  }
  const folds = subjectFolds(faces);
  const results: IdentityFigures[] = names.map((name) => {
    const { genuine, impostor } = pairScores(faces, name, () => true);
    const curve = verificationCurve(genuine, impostor);
    const [f1, f01] = [curve.tarAt(0.01), curve.tarAt(0.001)];
    return {
      descriptor: name,
      eer: round(curve.eer),
      eerThreshold: round(curve.eerThreshold),
      tarAtFar1: round(f1.tar),
      thresholdAtFar1: round(f1.threshold),
      tarAtFar01: round(f01.tar),
      thresholdAtFar01: round(f01.threshold),
      genuinePairs: genuine.length,
      impostorPairs: impostor.length,
      heldOut: heldOut(faces, name, folds),
      template: templateFigures(faces, name),
    };
  });
  const enrolment = enrolmentFigures(faces, IDENTITY_DESCRIPTOR, folds, matchAtLeast);
  return { faces: faces.length, framesWithoutFace: noFace, subjects: new Set(faces.map((f) => f.subject)).size, everyNthFrame: everyNth, folds, enrolment, descriptors: results };
}
