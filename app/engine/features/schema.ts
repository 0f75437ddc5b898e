/**
 * The per-frame feature schema, version 1: what vision and audio produce for each analysed frame, what the
 * rules and the temporal model read, what `vigil analyze --features out.csv` writes and what storage keeps.
 * Adding a column is a minor change (readers ignore unknown keys); renaming or re-meaning one bumps the version.
 *
 * Units: t in seconds on the session clock; angles in degrees, 0 when facing the camera (signs are fixed in
 * app/engine/vision/README.md and its tests); ratios and scores in [0, 1].
 * A value the pipeline could not measure on this frame (no face, detector off) is null, never 0.
 */
import { z } from 'zod';

export const FEATURE_SCHEMA_VERSION = 1;

export const GazeZone = z.enum(['center', 'left', 'right', 'up', 'down', 'unknown']);
export type GazeZone = z.infer<typeof GazeZone>;

const num = z.number().finite().nullable();

export const FrameFeatures = z.object({
  t: z.number().nonnegative(),
  frame_index: z.number().int().nonnegative(),
  face_count: z.number().int().nonnegative(),
  face_confidence: num,
  /** Primary face box, normalised to the frame (0..1). */
  face_x: num,
  face_y: num,
  face_w: num,
  face_h: num,
  yaw: num,
  pitch: num,
  roll: num,
  /** Iris offset from the eye centre in eye half-widths, mean of both eyes; v from its resting height (vision/README.md); -1..1. */
  gaze_h: num,
  gaze_v: num,
  gaze_zone: GazeZone,
  /** Eye aspect ratios and a blink flag (both eyes below the blink threshold). */
  ear_left: num,
  ear_right: num,
  blink: z.boolean().nullable(),
  /** Inner-lip opening divided by mouth width. */
  mouth_open: num,
  /** Anti-spoof (real-face probability) and liveness scores of the face crop; null on frames they did not run. */
  antispoof: num,
  liveness: num,
  /** Cosine similarity of the face descriptor to the enrolled one; null before enrolment or when not run. */
  identity_similarity: num,
  emotion: z.string().nullable(),
  /** 0..100, from gaze and head pose steadiness towards the screen. */
  engagement: num,
  /** Highest score per object class of interest on this frame (null when the object detector did not run). */
  person_count: z.number().int().nonnegative().nullable(),
  phone: num,
  book: num,
  laptop: num,
  tv: num,
  remote: num,
  /**
   * Best visible-text region score on this frame (0 when none; null when the text detector did not run). Added
   * within version 1: rows stored before it have no such key and read as null.
   */
  text: num.default(null),
  /** Audio on the same clock: speech probability and voices in the window containing t (null without audio). */
  speech_prob: num,
  voices: z.number().int().nonnegative().nullable(),
  /**
   * The boxes behind phone, book, laptop, tv and person_count on this frame, as JSON text:
   * `{"phone":[x,y,w,h,confidence],...,"person":[[x,y,w,h,confidence],...]}`, boxes normalised to the frame, confidence
   * calibrated (null when the object detector did not run). Added within version 1, last so that no column moves;
   * evidence of prohibited_object and of a second person names the box from here.
   */
  object_boxes: z.string().nullable().default(null),
});
export type FrameFeatures = z.infer<typeof FrameFeatures>;

/** CSV column order for `--features out.csv`: exactly the schema's keys, in declaration order. */
export const FEATURE_COLUMNS = Object.keys(FrameFeatures.shape) as (keyof FrameFeatures)[];

/** An all-null frame, for frames where nothing could be measured. */
export function emptyFrame(t: number, frameIndex: number): FrameFeatures {
  const frame: Record<string, unknown> = {};
  for (const key of FEATURE_COLUMNS) frame[key] = null;
  return { ...(frame as FrameFeatures), t, frame_index: frameIndex, face_count: 0, gaze_zone: 'unknown' };
}

/** One CSV line (RFC 4180 quoting only where needed), in FEATURE_COLUMNS order; null is an empty cell. */
export function toCsvRow(frame: FrameFeatures): string {
  return FEATURE_COLUMNS.map((key) => {
    const value = frame[key];
    if (value === null || value === undefined) return '';
    if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(',');
}

export const CSV_HEADER = FEATURE_COLUMNS.join(',');

/**
 * The 22 feature columns of the temporal model's training tables (../shared/data/exam-features, from AutoOEP),
 * mapped from our schema where the meaning matches. Columns with no counterpart are NaN, listed in
 * TEMPORAL_UNMAPPED, and a model meant to run live must be trained without them.
 */
export const TEMPORAL_COLUMNS = [
  'verification_result', 'num_faces', 'iris_pos', 'iris_ratio', 'mouth_zone', 'mouth_area', 'x_rotation', 'y_rotation', 'z_rotation', 'radial_distance',
  'gaze_direction', 'gaze_zone', 'watch', 'headphone', 'closedbook', 'earpiece', 'cell phone', 'openbook', 'chits', 'sheet', 'H-Distance', 'F-Distance',
] as const;
export type TemporalColumn = (typeof TEMPORAL_COLUMNS)[number];

export const TEMPORAL_UNMAPPED: readonly TemporalColumn[] = ['mouth_area', 'watch', 'headphone', 'earpiece', 'chits', 'sheet', 'H-Distance', 'F-Distance'];

const ZONE_CODE: Record<GazeZone, number> = { center: 0, left: 1, right: 2, up: 3, down: 4, unknown: Number.NaN };
const nz = (v: number | null) => (v === null ? Number.NaN : v);

export function toTemporalRow(f: FrameFeatures): Record<TemporalColumn, number> {
  const zone = ZONE_CODE[f.gaze_zone];
  return {
    verification_result: f.identity_similarity === null ? Number.NaN : f.identity_similarity >= 0.5 ? 1 : 0,
    num_faces: f.face_count,
    iris_pos: zone,
    iris_ratio: f.gaze_h === null ? Number.NaN : (f.gaze_h + 1) / 2,
    mouth_zone: f.mouth_open === null ? Number.NaN : f.mouth_open < 0.05 ? 0 : f.mouth_open < 0.25 ? 1 : 2,
    mouth_area: Number.NaN,
    x_rotation: nz(f.pitch),
    y_rotation: nz(f.yaw),
    z_rotation: nz(f.roll),
    radial_distance: f.yaw === null || f.pitch === null ? Number.NaN : Math.hypot(f.yaw, f.pitch),
    gaze_direction: zone,
    gaze_zone: Number.isNaN(zone) ? Number.NaN : zone === 0 ? 0 : 1,
    watch: Number.NaN,
    headphone: Number.NaN,
    closedbook: f.book === null ? Number.NaN : f.book > 0.5 ? 1 : 0,
    earpiece: Number.NaN,
    'cell phone': f.phone === null ? Number.NaN : f.phone > 0.5 ? 1 : 0,
    openbook: f.book === null ? Number.NaN : f.book > 0.5 ? 1 : 0,
    chits: Number.NaN,
    sheet: Number.NaN,
    'H-Distance': Number.NaN,
    'F-Distance': Number.NaN,
  };
}
