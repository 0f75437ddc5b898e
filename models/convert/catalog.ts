/**
 * The models Vigil converts: which TensorFlow.js graph in which npm package, and where to cut it.
 * Output names are the TensorFlow node names, so tests can ask TensorFlow.js for the same tensors.
 */
export const SOURCE_PACKAGE = '@vladmandic/human';

export interface CatalogEntry {
  /** models/<name>.onnx */
  name: string;
  /** Path of model.json inside the source package. */
  source: string;
  /** What it does, for the manifest and `vigil doctor`. */
  purpose: string;
  /** Cut points; default is the graph's own outputs. */
  outputs?: string[];
  /** Which package holds the graph: `@vladmandic/human` (a dependency) unless it is `human-models` (human-models.ts). */
  from?: 'human-models';
  /** The graph's input is NCHW already (converted to TensorFlow from ONNX). */
  nchwInput?: boolean;
  /** Fixed input shape for a graph whose height and width are dynamic. */
  inputShape?: number[];
}

export const CATALOG: readonly CatalogEntry[] = [
  { name: 'blazeface', source: 'models/blazeface.json', purpose: 'face detection (MediaPipe BlazeFace, 256x256)' },
  {
    name: 'facemesh',
    source: 'models/facemesh.json',
    purpose: '468 face landmarks and face presence (MediaPipe FaceMesh, 192x192); the unused contour head cut off',
    // Identity_2 is output_mesh, Identity_1 output_faceflag; output_contours has ten convolutions of its own.
    outputs: ['Identity_2', 'Identity_1'],
  },
  {
    name: 'iris',
    source: 'models/iris.json',
    purpose: 'iris centre and contour, 5 points (MediaPipe Iris, 64x64); cut to the iris branch',
    // Why: the eye-contour branch (71 points we do not use) is about a third of the convolutions.
    outputs: ['StatefulPartitionedCall/model/conv_iris/BiasAdd'],
  },
  {
    name: 'centernet',
    source: 'models/centernet.json',
    purpose: 'COCO objects (CenterNet, 512x512); cut after the heatmap and size heads, decoded in TypeScript',
    outputs: ['tower_0/keypoints', 'tower_0/wh'],
  },
  { name: 'antispoof', source: 'models/antispoof.json', purpose: 'face anti-spoofing (real-face probability, 128x128)' },
  { name: 'liveness', source: 'models/liveness.json', purpose: 'face liveness (32x32)' },
  { name: 'emotion', source: 'models/emotion.json', purpose: 'facial expression (7 classes, 64x64 grayscale)' },
  {
    name: 'faceres',
    source: 'models/faceres.json',
    purpose: 'face descriptor (1024-d), age and gender (224x224)',
    outputs: ['global_pooling/Mean', 'gender_pred/Sigmoid', 'age_pred/Softmax'],
  },
  {
    name: 'nanodet',
    source: 'models/nanodet.json',
    from: 'human-models',
    nchwInput: true,
    purpose: 'COCO objects (NanoDet-m, 416x416); cut at the three heads (80 class logits + 4x11 GFL bins per cell, strides 8/16/32), decoded in TypeScript',
    // Why cut before the split, sigmoid and reshape: those are shape arithmetic (SparseToDense over constants) that
    // the decode does for free while reading the cells it needs.
    outputs: ['PartitionedCall/Add_29', 'PartitionedCall/Add_33', 'PartitionedCall/Add_37'],
  },
  {
    name: 'mobilefacenet',
    source: 'models/mobilefacenet.json',
    from: 'human-models',
    purpose: 'face descriptor (MobileFaceNet, 192-d, 112x112), cut before its L2 normalisation (cosine similarity ignores the length)',
    outputs: ['MobileFaceNet/Logits/LinearConv1x1/BatchNorm/FusedBatchNorm'],
  },
  {
    name: 'mobileface',
    source: 'models/mobileface.json',
    from: 'human-models',
    purpose: 'face descriptor (MobileFace, 256-d, 112x112), measured against faceres for identity',
  },
  {
    name: 'faceres-deep',
    source: 'models/faceres-deep.json',
    from: 'human-models',
    purpose: 'face descriptor (FaceRes deep, 1024-d, 224x224), measured against faceres for identity',
    outputs: ['global_pooling/Mean'],
  },
  {
    name: 'movenet-multipose',
    source: 'models/movenet-multipose.json',
    from: 'human-models',
    inputShape: [1, 256, 256, 3],
    purpose: 'people with 17 keypoints and a box each (MoveNet MultiPose Lightning, 256x256, float pixels 0-255); cut at its six CenterNet heads (stride 4), decoded in TypeScript',
    // Why cut before the post-processing: it is TopK, GatherNd and shape arithmetic over 64x64 cells that the
    // decode in app/engine/vision/movenet.ts does in a few loops; heads: centre, box scale, box offset, keypoint
    // heatmap, keypoint regression, keypoint offset.
    outputs: [
      'StatefulPartitionedCall/center_0/conv2d_4/BiasAdd',
      'StatefulPartitionedCall/box_scale_0/conv2d_5/BiasAdd',
      'StatefulPartitionedCall/box_offset_0/conv2d_6/BiasAdd',
      'StatefulPartitionedCall/kpt_heatmap_0/conv2d_7/BiasAdd',
      'StatefulPartitionedCall/kpt_regress_0/conv2d_8/BiasAdd',
      'StatefulPartitionedCall/kpt_offset_0/conv2d_9/BiasAdd',
    ],
  },
];
