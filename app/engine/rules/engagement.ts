/**
 * Engagement, 0..100: how squarely the candidate faces the screen and looks at it. The vision pipeline may
 * supply it; otherwise it is derived here from head pose and gaze relative to the candidate's baseline, so the
 * low-engagement rule and the summaries work with any feature source.
 */
import type { FrameFeatures } from '../features/schema';

export function engagementOf(f: FrameFeatures, base: { yaw: number; pitch: number; eye: number } = { yaw: 0, pitch: 0, eye: 0 }): number | null {
  if (f.engagement !== null) return f.engagement;
  // Without a face there is nothing to measure; the no_face rule already speaks for that time.
  if (f.face_count === 0) return null;
  if (f.yaw === null || f.pitch === null) return null;
  // Facing the screen counts most; 45 deg of yaw or 35 of pitch is fully disengaged.
  const head = Math.max(0, 1 - Math.max(Math.abs(f.yaw - base.yaw) / 45, Math.abs(f.pitch - base.pitch) / 35));
  const eyes = f.gaze_h === null || f.gaze_v === null ? 1 : Math.max(0, 1 - Math.max(0, Math.hypot(f.gaze_h, f.gaze_v) - base.eye) / 0.8);
  return Math.round(100 * head * (0.6 + 0.4 * eyes));
}
