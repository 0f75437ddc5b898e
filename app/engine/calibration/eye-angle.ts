/**
 * Eye rotation from the pipeline's iris offsets. The iris sits on an eyeball of about 12 mm radius; the offset is
 * normalised by the eye opening, about 30 mm wide and 10 mm tall, so rotating by theta moves it by
 * 12 sin(theta) / 30 horizontally and 12 sin(theta) / 10 vertically. Good to a few degrees, which is all the
 * calibration check (refuse a baseline with the eyes turned beyond 0.8 rad) needs.
 */
import { GAZE_ZONE } from '../vision/geometry';

const H_SCALE = 12 / 30;
const V_SCALE = 12 / 10;

export function eyeRotationRad(gazeH: number, gazeV: number): number {
  const h = Math.asin(Math.min(1, Math.abs(gazeH) / H_SCALE));
  const v = Math.asin(Math.min(1, Math.abs(gazeV) / V_SCALE));
  return Math.hypot(h, v);
}

/**
 * Iris offsets at which the eyes alone count as looking away: the vision pipeline's own "fully turned" offsets,
 * so the rules and the pipeline's gaze zones agree on what away means.
 */
export const GAZE_AWAY_OFFSET = { h: GAZE_ZONE.hFull, v: GAZE_ZONE.vFull } as const;
