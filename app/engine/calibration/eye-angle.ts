/**
 * Eye rotation from the pipeline's iris offsets. The iris sits on an eyeball of about 12 mm radius; the offset is
 * normalised by the eye opening, about 30 mm wide and 10 mm tall, so rotating by theta moves it by
 * 12 sin(theta) / 30 horizontally and 12 sin(theta) / 10 vertically. Good to a few degrees, which is all the
 * calibration check (refuse a baseline with the eyes turned beyond 0.8 rad) needs.
 */
const H_SCALE = 12 / 30;
const V_SCALE = 12 / 10;

export function eyeRotationRad(gazeH: number, gazeV: number): number {
  const h = Math.asin(Math.min(1, Math.abs(gazeH) / H_SCALE));
  const v = Math.asin(Math.min(1, Math.abs(gazeV) / V_SCALE));
  return Math.hypot(h, v);
}

/**
 * Iris offsets at which the eyes alone count as looking away: the vision pipeline's "fully turned" offsets
 * (app/engine/vision/geometry.ts, GAZE_ZONE.hFull / vFull), about 27 deg sideways and 15 deg down.
 */
export const GAZE_AWAY_OFFSET = { h: 0.18, v: 0.3 } as const;
