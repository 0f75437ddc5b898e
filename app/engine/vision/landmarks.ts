/**
 * Indices into the 478-point face mesh (MediaPipe's canonical 468 plus 10 iris points). Right and left are the
 * subject's own: the right eye appears on the image's left in an unmirrored camera.
 */
export const MESH = {
  forehead: 10,
  chin: 152,
  noseTip: 1,
  /** Between the eyes and the upper inner lip: the face's vertical axis, for the tracking crop's angle. */
  midEyes: 168,
  upperLipInner: 13,
  lowerLipInner: 14,
  mouthRight: 61,
  mouthLeft: 291,
  rightEye: { outer: 33, inner: 133, upper: 159, lower: 145, ear: [33, 160, 158, 133, 153, 144] },
  leftEye: { outer: 263, inner: 362, upper: 386, lower: 374, ear: [362, 385, 387, 263, 373, 380] },
  /** Iris centre then four contour points, as MediaPipe's refined mesh numbers them. */
  rightIris: [468, 469, 470, 471, 472],
  leftIris: [473, 474, 475, 476, 477],
} as const;

/** The converted iris model's output (cut to the iris branch): iris centre and four contour points, x y z each. */
export const IRIS_MODEL = { points: 5 } as const;
