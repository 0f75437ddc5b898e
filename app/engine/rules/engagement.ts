/**
 * Engagement, 0..100: how squarely the candidate faces the screen and looks at it. The vision pipeline may
 * supply it; otherwise it is derived here from head pose and gaze relative to the candidate's baseline, so the
 * low-engagement rule and the summaries work with any feature source.
 */
import { GAZE_AWAY_OFFSET } from '../calibration/eye-angle';
import type { FrameFeatures } from '../features/schema';

export interface EngagementBase {
  yaw: number;
  pitch: number;
  gazeH: number;
  gazeV: number;
}

export function engagementOf(f: FrameFeatures, base: EngagementBase = { yaw: 0, pitch: 0, gazeH: 0, gazeV: 0 }): number | null {
  if (f.engagement !== null) return f.engagement;
  // Without a face there is nothing to measure; the no_face rule already speaks for that time.
  if (f.face_count === 0) return null;
  if (f.yaw === null || f.pitch === null) return null;
  // Facing the screen counts most; 45 deg of yaw or 35 of pitch is fully disengaged.
  const head = Math.max(0, 1 - Math.max(Math.abs(f.yaw - base.yaw) / 45, Math.abs(f.pitch - base.pitch) / 35));
  // Eyes turned twice the look-away offset are fully disengaged.
  const eyes = f.gaze_h === null || f.gaze_v === null ? 1 : Math.max(0, 1 - Math.max(Math.abs(f.gaze_h - base.gazeH) / (2 * GAZE_AWAY_OFFSET.h), Math.abs(f.gaze_v - base.gazeV) / (2 * GAZE_AWAY_OFFSET.v)));
  return Math.round(100 * head * (0.6 + 0.4 * eyes));
}
