/** models/manifest.json: what `npm run models` built, from what, and how to check it. */
import { z } from 'zod';
import { ObjectCalibration } from '../../app/engine/vision/score-calibration';

const TensorInfo = z.object({ name: z.string(), shape: z.array(z.number().int()) });

export const ManifestEntry = z.object({
  name: z.string(),
  file: z.string(),
  purpose: z.string(),
  /** sha256 of the catalog entry and converter version: a changed cut point or converter rebuilds the model. */
  recipe: z.string(),
  source: z.object({ package: z.string(), version: z.string(), path: z.string(), sha256: z.string() }),
  licence: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  inputs: z.array(TensorInfo),
  outputs: z.array(TensorInfo),
  /** Raw score -> calibrated confidence for an object detector (models/calibration/<name>.json, `vigil calibrate objects`). */
  calibration: ObjectCalibration.optional(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const Manifest = z.object({
  converter: z.object({ version: z.string(), opset: z.number().int() }),
  models: z.array(ManifestEntry),
});
export type Manifest = z.infer<typeof Manifest>;
