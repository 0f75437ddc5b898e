/** The files of a temporal model folder. Kept apart so the live scorer loads no training code to name them. */
export const MODEL_FILE = 'model.onnx';
export const METADATA_FILE = 'metadata.json';
export const CURVES_FILE = 'curves.png';
/** Written by `vigil train temporal --cv`, not part of a model folder. */
export const CROSS_VALIDATION_FILE = 'cv.json';
