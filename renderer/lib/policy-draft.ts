/**
 * A policy draft as the editors hold it (the candidate app's settings screen and the invigilator console): a
 * plain object edited by dotted path, and the fields each editor shows with a label and what the field does.
 * The schema itself (defaults, rules) stays in app/engine/policy/policy.ts and is asked, never copied.
 */
export type PolicyDraft = Record<string, unknown>;

export function getPath(draft: PolicyDraft | undefined, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as PolicyDraft)[k] : undefined), draft);
}

export function setPath(draft: PolicyDraft, path: string, value: unknown): PolicyDraft {
  const [head, ...rest] = path.split('.');
  if (!head) return draft;
  return { ...draft, [head]: rest.length ? setPath((draft[head] as PolicyDraft) ?? {}, rest.join('.'), value) : value };
}

export const DETECTORS = ['face', 'gaze', 'objects', 'audio', 'liveness', 'identity', 'text', 'temporal', 'os'] as const;

export interface PolicyField {
  readonly path: string;
  readonly label: string;
  /** What the number changes, in an invigilator's words. */
  readonly explanation: string;
}

export const RATE_FIELDS: readonly PolicyField[] = [
  { path: 'processingFps', label: 'Camera frames analysed per second', explanation: 'More frames catch shorter events and cost the candidate more processor.' },
  { path: 'intervals.seconds', label: 'Interval length (seconds)', explanation: 'Warnings are added up per interval of this length.' },
  { path: 'intervals.flagThreshold', label: 'Points that flag an interval', explanation: 'An interval whose warnings reach this many points is flagged for review.' },
];

export const RULE_FIELDS: readonly PolicyField[] = [
  { path: 'rules.noFaceFrames', label: 'Frames without a face before a warning', explanation: 'Consecutive analysed frames with no face before no_face is raised.' },
  { path: 'rules.lookAwayYawDeg', label: 'Head turned sideways (degrees)', explanation: 'Turn from the calibrated baseline that counts as looking away.' },
  { path: 'rules.lookAwayPitchDeg', label: 'Head tilted up or down (degrees)', explanation: 'Tilt from the calibrated baseline that counts as looking away.' },
  { path: 'rules.lookAwayFrames', label: 'Frames turned away before a warning', explanation: 'How long the head must stay turned before head_turned is raised.' },
  { path: 'rules.gazeAwayFrames', label: 'Frames looking away before a warning', explanation: 'How long the eyes must stay off the screen before gaze_away is raised.' },
];
