/** The per-second timeline behind the report's chart: face count, yaw, gaze and speech, one row a second. */
import type { FrameFeatures, GazeZone } from '../features/schema';
import type { TimelineSecond } from './report';

export interface SpeechSecond {
  t: number;
  prob: number;
}

export function buildTimeline(frames: readonly FrameFeatures[], durationSec: number, speech: readonly SpeechSecond[] = [], temporal: readonly { t: number; score: number }[] = [], liveness: readonly { t: number; score: number }[] = []): TimelineSecond[] {
  const seconds = Math.max(1, Math.ceil(durationSec));
  const buckets: FrameFeatures[][] = Array.from({ length: seconds }, () => []);
  for (const f of frames) buckets[Math.min(seconds - 1, Math.floor(f.t))]?.push(f);
  const speechAt = new Map(speech.map((s) => [Math.floor(s.t), s.prob]));
  const temporalAt = new Map<number, number>();
  for (const s of temporal) temporalAt.set(Math.floor(s.t), Math.max(temporalAt.get(Math.floor(s.t)) ?? 0, s.score));
  const livenessAt = new Map<number, number>();
  for (const s of liveness) livenessAt.set(Math.floor(s.t), Math.min(livenessAt.get(Math.floor(s.t)) ?? 1, s.score));
  return buckets.map((bucket, t) => {
    const yaws = bucket.map((f) => f.yaw).filter((v): v is number => v !== null);
    const gazes = bucket.map((f) => f.gaze_h).filter((v): v is number => v !== null);
    return {
      t,
      faceCount: bucket.length ? Math.max(...bucket.map((f) => f.face_count)) : null,
      yaw: yaws.length ? round(yaws.reduce((a, b) => a + b, 0) / yaws.length) : null,
      gazeZone: bucket.length ? majority(bucket.map((f) => f.gaze_zone)) : null,
      gazeH: gazes.length ? round(gazes.reduce((a, b) => a + b, 0) / gazes.length) : null,
      speech: speechAt.get(t) ?? null,
      temporalScore: temporalAt.get(t) ?? null,
      livenessScore: livenessAt.has(t) ? round(livenessAt.get(t)!) : null,
    };
  });
}

function majority(zones: GazeZone[]): GazeZone {
  const counts = new Map<GazeZone, number>();
  for (const z of zones) counts.set(z, (counts.get(z) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

const round = (v: number) => Math.round(v * 100) / 100;
