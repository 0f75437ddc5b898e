/** Engagement, eye-contact and emotion summaries over a session's frames. */
import type { FrameFeatures } from '../features/schema';
import { engagementOf, type EngagementBase } from '../rules/engagement';

export interface Summaries {
  engagement: { mean: number | null; lowShare: number | null };
  eyeContact: { share: number | null };
  emotions: Record<string, number>;
  framesWithFace: number;
  frames: number;
}

export function summarise(frames: readonly FrameFeatures[], lowEngagement: number, base?: EngagementBase): Summaries {
  const engagement = frames.map((f) => engagementOf(f, base)).filter((v): v is number => v !== null);
  const withFace = frames.filter((f) => f.face_count === 1);
  const gazeKnown = withFace.filter((f) => f.gaze_zone !== 'unknown');
  const emotions: Record<string, number> = {};
  const withEmotion = frames.filter((f) => f.emotion !== null);
  for (const f of withEmotion) emotions[f.emotion!] = (emotions[f.emotion!] ?? 0) + 1 / withEmotion.length;
  for (const k of Object.keys(emotions)) emotions[k] = Math.round(emotions[k]! * 1000) / 1000;
  const mean = (v: number[]) => (v.length ? Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 10) / 10 : null);
  return {
    engagement: { mean: mean(engagement), lowShare: engagement.length ? round(engagement.filter((e) => e < lowEngagement).length / engagement.length) : null },
    eyeContact: { share: gazeKnown.length ? round(gazeKnown.filter((f) => f.gaze_zone === 'center').length / gazeKnown.length) : null },
    emotions,
    framesWithFace: withFace.length,
    frames: frames.length,
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
