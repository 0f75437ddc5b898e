/** The exported graph's input and output names, shared by the exporter and the runtime (which must not load onnx-proto). */
export const INPUT_NAME = 'evidence';
export const SCORE_NAME = 'score';
export const CONFIDENCE_NAME = 'confidence';
