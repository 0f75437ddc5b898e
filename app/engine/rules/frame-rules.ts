/**
 * Live frame alert rules (system 5): no face, multiple faces, looking away (head and eyes), low engagement,
 * prohibited objects, spoofing and identity. Each rule is an episode detector over one condition; thresholds come
 * from the policy and, for angles and gaze, from the candidate's calibration.
 */
import type { Thresholds, Baseline } from '../calibration/calibrate';
import type { FrameFeatures } from '../features/schema';
import type { AlertType, ExamPolicy } from '../policy/policy';
import type { Alert, Severity } from './alert';
import { EpisodeDetector, type Condition, type Episode } from './episodes';
import { engagementOf } from './engagement';

/** What `identity_similarity` measures (app/engine/vision/face-attributes.ts `faceDescriptor`), named in the evidence. */
export const IDENTITY_SIMILARITY = "cosine similarity of FaceRes-deep descriptors, face aligned to ArcFace's template, with its mirror image, to the enrolment (the identity photo and its matching challenge frames averaged)";

export const PROHIBITED_OBJECTS = ['phone', 'book', 'laptop', 'tv'] as const;

interface RuleSpec {
  type: AlertType;
  severity: Severity;
  minFrames: number;
  condition: Condition;
  /** Confidence from the episode: persistence beyond the minimum, and the signal's strength. */
  confidence(e: Episode): number;
  evidence(e: Episode): Record<string, unknown>;
}

/** Persistence: 0.6 at the minimum length, rising to 1 at three times it. */
function persistence(e: Episode, minFrames: number): number {
  return Math.min(1, 0.6 + (0.4 * (e.frames - minFrames)) / (2 * minFrames));
}
const frames = (e: Episode) => ({ firstFrame: e.firstFrame, lastFrame: e.lastFrame, frames: e.frames });

export interface RuleContext {
  policy: ExamPolicy;
  thresholds: Thresholds;
  baseline: Baseline | null;
}

export function frameRuleSpecs({ policy, thresholds, baseline }: RuleContext): RuleSpec[] {
  const r = policy.rules;
  const d = policy.detectors;
  const base = { yaw: baseline?.yaw.mean ?? 0, pitch: baseline?.pitch.mean ?? 0, gazeH: baseline?.gazeH.mean ?? 0, gazeV: baseline?.gazeV.mean ?? 0 };
  const specs: RuleSpec[] = [];
  if (d.face) {
    specs.push({
      type: 'no_face', severity: 'warning', minFrames: r.noFaceFrames,
      condition: (f) => (f.face_count === 0 ? 1 : 0),
      confidence: (e) => persistence(e, r.noFaceFrames),
      evidence: (e) => ({ ...frames(e), rule: `face_count = 0 for ${r.noFaceFrames}+ consecutive frames` }),
    });
    specs.push({
      type: 'multiple_faces', severity: 'critical', minFrames: 2,
      condition: (f) => (f.face_count >= 2 ? f.face_count : 0),
      confidence: (e) => persistence(e, 2),
      evidence: (e) => ({ ...frames(e), maxFaces: e.peak, signal: 'faces', rule: 'face_count >= 2 for 2+ consecutive frames' }),
    });
  }
  if (d.objects) {
    // A second person the face detector cannot see (turned away, partly in frame, behind the candidate): the
    // object detector's people at the policy's calibrated threshold, on 2+ consecutive object frames. Frames with
    // two faces are left to the face rule above, so one moment is not raised twice.
    specs.push({
      type: 'multiple_faces', severity: 'critical', minFrames: 2,
      condition: (f) => {
        const people = peopleAt(f, r.objectConfidence);
        if (people === null) return null;
        return people >= 2 && f.face_count < 2 ? people : 0;
      },
      confidence: (e) => persistence(e, 2),
      evidence: (e) => ({ ...frames(e), maxPeople: e.peak, signal: 'person detector', people: boxesOf(e.peakFrame, 'person')?.filter((b) => (b as number[])[4]! >= r.objectConfidence) ?? null, rule: `2+ people with calibrated confidence >= ${r.objectConfidence} on 2+ consecutive object frames` }),
    });
  }
  if (d.gaze) {
    specs.push({
      type: 'head_turned', severity: 'warning', minFrames: r.lookAwayFrames,
      condition: (f) => {
        if (f.face_count !== 1 || f.yaw === null || f.pitch === null) return null;
        const excess = Math.max(Math.abs(f.yaw - base.yaw) / thresholds.yawDeg, Math.abs(f.pitch - base.pitch) / thresholds.pitchDeg);
        return excess > 1 ? excess : 0;
      },
      confidence: (e) => persistence(e, r.lookAwayFrames) * Math.min(1, 0.7 + 0.3 * (e.peak - 1) * 5),
      evidence: (e) => ({ ...frames(e), peakRatio: round(e.peak), yawLimitDeg: round(thresholds.yawDeg), pitchLimitDeg: round(thresholds.pitchDeg), baselineYaw: round(base.yaw), baselinePitch: round(base.pitch), rule: `|yaw - baseline| > ${round(thresholds.yawDeg)} or |pitch - baseline| > ${round(thresholds.pitchDeg)} deg for ${r.lookAwayFrames}+ frames` }),
    });
    specs.push({
      type: 'gaze_away', severity: 'warning', minFrames: r.gazeAwayFrames,
      condition: (f) => {
        if (f.face_count !== 1) return null;
        if (f.gaze_h !== null && f.gaze_v !== null) {
          const ratio = Math.max(Math.abs(f.gaze_h - base.gazeH) / thresholds.gazeH, Math.abs(f.gaze_v - base.gazeV) / thresholds.gazeV);
          return ratio > 1 ? ratio : 0;
        }
        return f.gaze_zone === 'unknown' ? null : f.gaze_zone === 'center' ? 0 : 1;
      },
      confidence: (e) => persistence(e, r.gazeAwayFrames),
      evidence: (e) => ({ ...frames(e), peakRatio: round(e.peak), gazeLimitH: round(thresholds.gazeH), gazeLimitV: round(thresholds.gazeV), baselineGazeH: round(base.gazeH), baselineGazeV: round(base.gazeV), rule: `iris offset from baseline beyond ${round(thresholds.gazeH)} (horizontal) or ${round(thresholds.gazeV)} (vertical) for ${r.gazeAwayFrames}+ frames` }),
    });
    specs.push({
      type: 'low_engagement', severity: 'info', minFrames: r.lowEngagementFrames,
      condition: (f) => {
        const engagement = engagementOf(f, base);
        return engagement === null ? null : engagement < r.lowEngagement ? r.lowEngagement - engagement : 0;
      },
      confidence: (e) => persistence(e, r.lowEngagementFrames),
      evidence: (e) => ({ ...frames(e), lowestEngagement: round(r.lowEngagement - e.peak), rule: `engagement < ${r.lowEngagement} for ${r.lowEngagementFrames}+ frames` }),
    });
  }
  if (d.objects) {
    for (const object of PROHIBITED_OBJECTS) {
      specs.push({
        type: 'prohibited_object', severity: object === 'phone' ? 'critical' : 'warning', minFrames: 1,
        condition: (f) => (f[object] === null ? null : f[object]! > r.objectConfidence ? f[object]! : 0),
        confidence: (e) => e.peak,
        evidence: (e) => ({ ...frames(e), object, class: OBJECT_CLASS[object], confidence: round(e.peak), box: boxesOf(e.peakFrame, object), rule: `${object} calibrated confidence > ${r.objectConfidence}` }),
      });
    }
  }
  if (d.text) {
    specs.push({
      type: 'visible_text', severity: 'warning', minFrames: 1,
      condition: (f) => (f.text === null ? null : f.text > r.textConfidence ? f.text : 0),
      confidence: (e) => e.peak,
      evidence: (e) => ({ ...frames(e), peakScore: round(e.peak), rule: `text region score > ${r.textConfidence}` }),
    });
  }
  // spoof_suspected comes from temporal liveness (app/engine/liveness/monitor.ts), not from these per-frame scores:
  // the anti-spoof CNN alone calls 98.6 % of printed photos live (`vigil eval vision`, print APCER 0.986).
  if (d.identity) {
    specs.push({
      type: 'identity_mismatch', severity: 'critical', minFrames: 3,
      condition: (f) => (f.identity_similarity === null || f.face_count !== 1 ? null : f.identity_similarity < r.identityBelow ? 1 - f.identity_similarity : 0),
      confidence: (e) => Math.min(1, e.peak),
      evidence: (e) => ({ ...frames(e), lowestSimilarity: round(1 - e.peak), threshold: r.identityBelow, similarity: IDENTITY_SIMILARITY, rule: `similarity to the enrolled face < ${r.identityBelow} on 3+ measured frames` }),
    });
  }
  return specs;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** COCO's name of each prohibited object column. */
const OBJECT_CLASS: Record<(typeof PROHIBITED_OBJECTS)[number], string> = { phone: 'cell phone', book: 'book', laptop: 'laptop', tv: 'tv' };

/** A frame's object box(es) of one kind from object_boxes ([x, y, w, h, confidence], normalised), or null. */
function boxesOf(f: FrameFeatures | undefined, kind: string): unknown[] | null {
  if (!f?.object_boxes) return null;
  try {
    const parsed = JSON.parse(f.object_boxes) as Record<string, unknown>;
    return Array.isArray(parsed[kind]) ? (parsed[kind] as unknown[]) : null;
  } catch {
    return null;
  }
}

/** People at a confidence threshold: recounted from the boxes where present, else the pipeline's count. */
function peopleAt(f: FrameFeatures, threshold: number): number | null {
  if (f.person_count === null) return null;
  const people = boxesOf(f, 'person');
  return people ? people.filter((b) => Array.isArray(b) && (b[4] as number) >= threshold).length : f.person_count;
}

/** Streams frames through every rule; alerts come out as their episodes close (and at flush). */
export class FrameRules {
  private readonly detectors: { spec: RuleSpec; detector: EpisodeDetector }[];

  constructor(context: RuleContext, onAlertOpen?: (type: AlertType, severity: Severity, start: number) => void) {
    const gap = context.policy.rules.mergeGapSec;
    this.detectors = frameRuleSpecs(context).map((spec) => ({
      spec,
      detector: new EpisodeDetector(spec.condition, spec.minFrames, gap, onAlertOpen ? (e) => onAlertOpen(spec.type, spec.severity, e.start) : undefined),
    }));
  }

  push(frame: FrameFeatures): Alert[] {
    const out: Alert[] = [];
    for (const { spec, detector } of this.detectors) {
      const episode = detector.push(frame);
      if (episode) out.push(toAlert(spec, episode));
    }
    return out;
  }

  flush(): Alert[] {
    const out: Alert[] = [];
    for (const { spec, detector } of this.detectors) {
      const episode = detector.flush();
      if (episode) out.push(toAlert(spec, episode));
    }
    return out;
  }
}

function toAlert(spec: RuleSpec, e: Episode): Alert {
  return { type: spec.type, start: e.start, end: e.end, severity: spec.severity, confidence: round(Math.max(0, Math.min(1, spec.confidence(e)))), evidence: spec.evidence(e) };
}

export function runFrameRules(framesIn: readonly FrameFeatures[], context: RuleContext): Alert[] {
  const rules = new FrameRules(context);
  const alerts = framesIn.flatMap((f) => rules.push(f));
  return [...alerts, ...rules.flush()].sort((a, b) => a.start - b.start || a.end - b.end);
}
