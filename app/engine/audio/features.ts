/**
 * Audio on the frames' clock: what the per-frame schema's `speech_prob` and `voices` hold at time t, and a
 * per-second summary for reports and the live view.
 */
import type { FrameFeatures } from '../features/schema';
import type { SpeechSegment } from './hysteresis';
import type { VoiceWindow } from './voices';

export interface SpeechTrack {
  /** Time of chunk 0 and chunk length (seconds); values[i] is the speech probability of chunk i. */
  readonly t0: number;
  readonly dt: number;
  readonly values: readonly number[];
}

export interface AudioSecond {
  readonly t: number;
  /** Highest chunk speech probability in [t, t + 1). */
  readonly speechProb: number;
  /** Fraction of the second inside speech segments. */
  readonly speech: number;
  /** Voices of the window holding t + 0.5 (null where no window). */
  readonly voices: number | null;
}

export function windowAt(windows: readonly VoiceWindow[], t: number): VoiceWindow | null {
  // Windows are in time order and do not overlap: binary search.
  let lo = 0;
  let hi = windows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = windows[mid]!;
    if (t < w.start) hi = mid - 1;
    else if (t >= w.end) lo = mid + 1;
    else return w;
  }
  return null;
}

export function speechProbAt(track: SpeechTrack, t: number): number | null {
  const i = Math.floor((t - track.t0) / track.dt);
  return i >= 0 && i < track.values.length ? track.values[i]! : null;
}

/** The schema's audio columns for a frame at time t (null where there is no audio). */
export function audioFeaturesAt(track: SpeechTrack, windows: readonly VoiceWindow[], t: number): Pick<FrameFeatures, 'speech_prob' | 'voices'> {
  const p = speechProbAt(track, t);
  return { speech_prob: p === null ? null : Math.round(p * 1e4) / 1e4, voices: windowAt(windows, t)?.voices ?? null };
}

export function perSecond(track: SpeechTrack, segments: readonly SpeechSegment[], windows: readonly VoiceWindow[], durationSec: number): AudioSecond[] {
  const out: AudioSecond[] = [];
  for (let s = Math.floor(track.t0); s < track.t0 + durationSec; s++) {
    let max = 0;
    const first = Math.max(0, Math.floor((s - track.t0) / track.dt));
    for (let i = first; i < track.values.length && track.t0 + i * track.dt < s + 1; i++) max = Math.max(max, track.values[i]!);
    let covered = 0;
    for (const seg of segments) covered += Math.max(0, Math.min(seg.end, s + 1) - Math.max(seg.start, s));
    out.push({ t: s, speechProb: Math.round(max * 1e4) / 1e4, speech: Math.round(covered * 1e3) / 1e3, voices: windowAt(windows, s + 0.5)?.voices ?? null });
  }
  return out;
}
