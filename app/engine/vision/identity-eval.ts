/**
 * Identity on NUAA live faces (`liveness-seq/real/`, subject in index.csv): genuine pairs are frames of the same
 * subject from different capture sessions, impostor pairs frames of different subjects. Each face descriptor
 * gets the crop the live pipeline gives faceres (the upright 1.5x FaceMesh region of the largest face) and the
 * normalisation @vladmandic/human gives that model; figures are EER and TAR at FAR 1 % and 0.1 %, with n.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImage, type RgbFrame } from '../media/frames';
import { verificationCurve } from './detection-metrics';
import { cosineSimilarity } from './face-attributes';
import { RAW, TO_UNIT, cropToTensor, type Crop, type Normalise } from './image-ops';
import type { VisionPipeline } from './pipeline';
import { openModels, type Model, type ModelName } from './sessions';

/** The descriptors compared; faceres is the one Vigil used before this measurement. */
export const DESCRIPTORS = ['faceres', 'mobilefacenet', 'mobileface', 'faceres-deep'] as const;
export type DescriptorName = (typeof DESCRIPTORS)[number];
/** The descriptor the pipeline uses for identity (pipeline.ts says why). */
export const IDENTITY_DESCRIPTOR = 'faceres-deep' satisfies DescriptorName;

/** What @vladmandic/human feeds each: faceres and faceres-deep 0..255, the MobileFace nets 0..1. */
const NORMALISE: Record<DescriptorName, Normalise> = { faceres: RAW, 'faceres-deep': RAW, mobilefacenet: TO_UNIT, mobileface: TO_UNIT };

/** The descriptor of one face crop with the given model (any output length), L2-normalised. */
export async function describeFace(model: Model, name: DescriptorName, frame: RgbFrame, crop: Crop): Promise<Float32Array> {
  const [h, w] = model.inputSize;
  const out = await model.run(cropToTensor(frame, crop, w, h, NORMALISE[name]));
  const d = out[model.entry.outputs[0]!.name]!;
  const n = Math.hypot(...d) || 1;
  return d.map((x) => x / n);
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

export interface IdentityFigures {
  descriptor: DescriptorName;
  eer: number;
  eerThreshold: number;
  tarAtFar1: number;
  thresholdAtFar1: number;
  tarAtFar01: number;
  thresholdAtFar01: number;
  genuinePairs: number;
  impostorPairs: number;
}

const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

export async function evaluateIdentity(dir: string, vision: VisionPipeline, tick: (detail: string) => void = () => {}, everyNth = 3) {
  const sequences = liveSequences(dir, everyNth);
  if (sequences.length === 0) return null;
  const models = await openModels(DESCRIPTORS as unknown as ModelName[]);
  const faces: { subject: string; session: string; d: Record<DescriptorName, Float32Array> }[] = [];
  let noFace = 0;
  try {
    for (const s of sequences) {
      for (const path of s.frames) {
        const frame = await readImage(path);
        vision.reset();
        const face = (await vision.process(frame)).faces[0];
        tick(path);
        if (!face) {
          noFace++;
          continue;
        }
        const d = {} as Record<DescriptorName, Float32Array>;
        for (const name of DESCRIPTORS) d[name] = await describeFace(models[name as ModelName], name, frame, face.mesh.crop);
        faces.push({ subject: s.subject, session: s.session, d });
      }
    }
  } finally {
    await Promise.all(Object.values<Model>(models).map((m) => m.release()));
  }
  const results: IdentityFigures[] = DESCRIPTORS.map((name) => {
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (let i = 0; i < faces.length; i++) {
      for (let j = i + 1; j < faces.length; j++) {
        const [a, b] = [faces[i]!, faces[j]!];
        if (a.subject !== b.subject) impostor.push(cosineSimilarity(a.d[name], b.d[name]));
        else if (a.session !== b.session) genuine.push(cosineSimilarity(a.d[name], b.d[name]));
      }
    }
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
    };
  });
  return { faces: faces.length, framesWithoutFace: noFace, subjects: new Set(faces.map((f) => f.subject)).size, everyNthFrame: everyNth, descriptors: results };
}
