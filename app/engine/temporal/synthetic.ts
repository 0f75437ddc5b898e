/**
 * Synthetic feature tables for this folder's tests (never ../shared): real CSV text in the published
 * format, rows shuffled as in the published tables, one label per video. A cheating video turns its head
 * away and back (y_rotation swings, gaze off-centre); a clean one looks at the screen with small jitter.
 * Separable by design, so a model that trains at all must find the difference.
 */
import seedrandom from 'seedrandom';
import { FEATURE_SCHEMA_VERSION, TEMPORAL_COLUMNS, emptyFrame, type FrameFeatures, type TemporalColumn } from '../features/schema';
import type { Store } from '../storage/store';
import { formatTimestamp } from './timestamp';

export interface SyntheticVideo {
  readonly video: string;
  readonly frames: number;
  readonly cheating: boolean;
}

function frameValues(rng: () => number, cheating: boolean, i: number): Record<TemporalColumn, number> {
  const away = cheating && Math.sin(i / 3) > 0;
  const noise = () => (rng() - 0.5) * 2;
  const yaw = (away ? 35 : 0) + noise() * 4;
  const pitch = (cheating ? 8 : 0) + noise() * 3;
  return Object.fromEntries(
    TEMPORAL_COLUMNS.map((c) => {
      switch (c) {
        case 'verification_result':
          return [c, 1];
        case 'num_faces':
          return [c, 1];
        case 'y_rotation':
          return [c, yaw];
        case 'x_rotation':
          return [c, pitch];
        case 'radial_distance':
          return [c, Math.hypot(yaw, pitch)];
        case 'gaze_direction':
          return [c, away ? 1 : 0];
        case 'gaze_zone':
          return [c, away ? 1 : 0];
        case 'iris_ratio':
          return [c, (away ? 0.7 : 0.5) + noise() * 0.05];
        case 'mouth_area':
          return [c, 40 + noise() * 10];
        case 'H-Distance':
        case 'F-Distance':
          return [c, 10000];
        default:
          return [c, 0];
      }
    }),
  ) as Record<TemporalColumn, number>;
}

/** The CSV text of `videos`, with `dropColumns` left out of the header and rows. */
export function syntheticCsv(videos: readonly SyntheticVideo[], options: { seed?: number; dropColumns?: readonly string[]; fps?: number } = {}): string {
  const rng = seedrandom(`synthetic-${options.seed ?? 1}`);
  const columns = ['timestamp', ...TEMPORAL_COLUMNS, 'split', 'video', 'is_cheating'].filter((c) => !options.dropColumns?.includes(c));
  const lines: string[] = [];
  for (const v of videos) {
    for (let i = 0; i < v.frames; i++) {
      const values = frameValues(rng, v.cheating, i);
      const cells: Record<string, string> = {
        timestamp: formatTimestamp(i / (options.fps ?? 20)),
        split: 'Train',
        video: v.video,
        is_cheating: v.cheating ? '1' : '0',
        ...Object.fromEntries(Object.entries(values).map(([k, n]) => [k, String(n)])),
      };
      lines.push(columns.map((c) => cells[c]).join(','));
    }
  }
  // Shuffled, as the published tables are: the loader must sort by timestamp.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return `${columns.map((c) => (c.includes(' ') ? `"${c}"` : c)).join(',')}\n${lines.join('\n')}\n`;
}

/**
 * Frames of the engine's own per-frame schema for the same two behaviours: a cheating candidate turns away
 * (yaw about 35 degrees, gaze left) every few seconds and back; a clean one faces the screen.
 */
export function syntheticFrames(count: number, cheating: boolean, options: { seed?: number; fps?: number } = {}): FrameFeatures[] {
  const rng = seedrandom(`frames-${options.seed ?? 1}-${cheating}`);
  const fps = options.fps ?? 10;
  return Array.from({ length: count }, (_, i) => {
    const away = cheating && Math.sin(i / 3) > 0;
    const noise = () => (rng() - 0.5) * 2;
    return {
      ...emptyFrame(i / fps, i),
      face_count: 1,
      face_confidence: 0.9,
      yaw: (away ? 35 : 0) + noise() * 4,
      pitch: (cheating ? 8 : 0) + noise() * 3,
      roll: noise() * 2,
      gaze_h: (away ? -0.6 : 0) + noise() * 0.1,
      gaze_v: noise() * 0.1,
      gaze_zone: away ? 'left' : 'center',
      mouth_open: 0.02,
      identity_similarity: 0.9,
      phone: 0.01,
      book: 0.01,
    };
  });
}

/** Stores `frames` as a new session, as the session engine does. */
export function storeFrames(store: Store, sessionId: string, frames: readonly FrameFeatures[]): void {
  store.sessions.create({ id: sessionId, source: 'test' });
  store.frameFeatures.insertMany(
    sessionId,
    frames.map((f) => ({ frameIndex: f.frame_index, t: f.t, schemaVersion: FEATURE_SCHEMA_VERSION, faceCount: f.face_count, yaw: f.yaw, pitch: f.pitch, roll: f.roll, gazeH: f.gaze_h, gazeV: f.gaze_v, gazeZone: f.gaze_zone, data: f })),
  );
}

