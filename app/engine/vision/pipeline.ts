/**
 * The live vision pipeline: one RGB frame with its timestamp in, one FrameFeatures row (and the details behind it)
 * out. Faces are tracked from frame to frame by their own mesh; the detector re-runs every `detectEveryFrames` or
 * as soon as tracking is lost. Objects, liveness/anti-spoof, emotion and identity run at their own, lower rates.
 *
 * Only the detector and FaceMesh are on the caller's thread: they are all the next frame's tracking needs. Iris (the
 * gaze) runs in two worker threads, one eye each, and the slower models in a third, so a frame waits for one eye's
 * Iris rather than two, and a caller may hand in the next frames before a frame's results are back. Frames go through the face path in call order; results
 * resolve in that order and are the same as one frame at a time.
 */
import { emptyFrame, type FrameFeatures } from '../features/schema';
import type { RgbFrame } from '../media/frames';
import { iou } from './boxes';
import { defaultPolicy } from '../policy/policy';
import { FaceEnrolment } from './enrolment';
import { antispoofScore, cosineSimilarity, emotion, faceDescriptor, livenessScore, type Emotion } from './face-attributes';
import { DETECTOR_DEFAULTS, detectFaces, type DetectorOptions } from './face-detector';
import { cropFromDetection, cropFromMesh, meshBox, meshInput, runFaceMesh, runIris, type FaceMesh } from './face-mesh';
import { frameEvidence, setCnnScores } from '../liveness/evidence';
import { BLINK_EAR, engagement, eyeAspectRatio, gaze, gazeZone, headPose, mouthOpening, type Gaze, type HeadPose } from './geometry';
import type { Crop } from './image-ops';
import { MESH } from './landmarks';
import { IDENTITY_MODEL } from './identity-eval';
import { detectObjectsFused, readObjectFusion, type ObjectFusion } from './object-fusion';
import { detectObjectsNanodet } from './nanodet';
import { detectObjects, type DetectedObject } from './objects';
import { detectText } from './text';
import { openGroups, openModelGroup, type AnyModelGroup, type Model, type ModelName } from './sessions';
import { openModelsInWorker } from './worker-models';
import { dueOnGrid, GRID_START, type GridState } from './rate-schedule';

export interface PipelineOptions {
  threads: number;
  detector: DetectorOptions;
  /** Re-run the face detector at least this often (frames), even while tracking holds. */
  detectEveryFrames: number;
  /** Below this FaceMesh presence score a tracked face counts as lost. */
  minMeshScore: number;
  /** Seconds between runs of the slower models; 0 turns one off. */
  objectsEverySec: number;
  livenessEverySec: number;
  emotionEverySec: number;
  identityEverySec: number;
  textEverySec: number;
  /** Run Iris and the slower models in worker threads (the second core) instead of between face-path frames. */
  workers: boolean;
  /**
   * With `workers`: each eye's Iris in a worker of its own, for the shortest wait per frame (the live app). Off,
   * both eyes run in one batch on the calling thread after FaceMesh: fewer hand-offs between threads, so more
   * frames per second when frames queue up (center_left_center analysed end to end, 2 x 3 runs interleaved:
   * 3.05-3.22 s against 3.40-3.52 s with a worker per eye, 8 frames in flight, 11:08).
   */
  irisWorkers: boolean;
  /**
   * The slower models keep onnxruntime's memory arena: about 10 % faster on a file for about 45 MB more memory
   * (sessions.ts). For analysing files; the live app, on the candidate's machine, leaves it off.
   */
  slowModelArena: boolean;
  modelsDir?: string;
}

export const PIPELINE_DEFAULTS: PipelineOptions = {
  threads: 1,
  detector: DETECTOR_DEFAULTS,
  detectEveryFrames: 12,
  minMeshScore: 0.5,
  objectsEverySec: 1,
  livenessEverySec: 1,
  emotionEverySec: 0.5,
  identityEverySec: 2,
  textEverySec: 2,
  workers: true,
  irisWorkers: true,
  slowModelArena: false,
};

export interface FaceResult {
  mesh: FaceMesh;
  box: { x: number; y: number; w: number; h: number };
  /** Detector score when this face was (re)detected on this frame, else the mesh's presence score. */
  score: number;
  pose: HeadPose;
  /** Null until the face's Iris result is back (always back by the time `process` resolves). */
  gaze: Gaze | null;
}

export interface VisionResult {
  features: FrameFeatures;
  faces: FaceResult[];
  /** Objects found on this frame, or null when the object detector did not run. */
  objects: DetectedObject[] | null;
  detectorRan: boolean;
  /**
   * The primary face's liveness evidence (app/engine/liveness/evidence.ts) on frames where anti-spoof and liveness
   * ran (once a second), its CNN scores filled in by the time `process` resolves; null on other frames.
   */
  livenessEvidence?: Float32Array | null;
}

type Due = 'objects' | 'liveness' | 'emotion' | 'identity' | 'text';
/** How often the slower models run (seconds; 0 off): a session's policy sets them (app/engine/session/analyze-file.ts). */
export type SlowModelRates = Partial<Pick<PipelineOptions, 'objectsEverySec' | 'livenessEverySec' | 'emotionEverySec' | 'identityEverySec' | 'textEverySec'>>;

const DUE_MODEL: Record<Due, ModelName> = { objects: 'centernet', liveness: 'liveness', emotion: 'emotion', identity: IDENTITY_MODEL, text: 'textdet' };

export class VisionPipeline {
  private tracked: Crop[] = [];
  private framesSinceDetect = Number.POSITIVE_INFINITY;
  /** Each slower model's last slot on its grid (rate-schedule.ts). */
  private readonly lastRun: Record<Due, GridState> = { objects: GRID_START, liveness: GRID_START, emotion: GRID_START, identity: GRID_START, text: GRID_START };
  /** Whether a slower model already started on the frame in the face path (due()). */
  private slowStarted = false;
  /** The enrolled face: the identity photo, joined by usable challenge frames until the session starts (enrolment.ts). */
  private enrolment: FaceEnrolment | null = null;
  /** The primary face's mesh on the last liveness frame: the rigidity cue compares against it. */
  private livenessPoints: FaceMesh['points'] | null = null;
  /** The face path of the frames handed in so far, in order: each call waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The last handed-in frame's whole result: each frame resolves after the one before it. */
  private answered: Promise<unknown> = Promise.resolve();
  /**
   * Every FaceMesh crop is cut into this one tensor: the face path runs one mesh at a time (`inOrder`), and
   * FaceMesh runs on this thread, so the tensor is never transferred to a worker.
   */
  private readonly meshInput = meshInput();

  private constructor(
    private readonly models: Partial<Record<ModelName, Model>>,
    readonly options: PipelineOptions,
    private readonly groups: AnyModelGroup[],
    private readonly irises: readonly [Model] | readonly [Model, Model],
    /** CenterNet and NanoDet fused (models/calibration/fusion.json); null: CenterNet alone, Platt-calibrated. */
    private readonly fusion: ObjectFusion | null = null,
  ) {}

  static async open(options: Partial<PipelineOptions> = {}): Promise<VisionPipeline> {
    const o = { ...PIPELINE_DEFAULTS, ...options };
    // The face descriptor opens with the first enrolment (a recorded file never enrols).
    const slow: ModelName[] = [];
    // Both detectors when their fusion is fitted: person recall at 0.70 on the development images 0.527 -> 0.618,
    // held-out 0.375 -> 0.451 at precision 0.90 (vision README, "Objects"); one NanoDet run a second more on the
    // slower models' thread.
    const fusion = o.objectsEverySec > 0 ? readObjectFusion() : null;
    if (o.objectsEverySec > 0) slow.push('centernet', ...(fusion ? (['nanodet'] as const) : []));
    if (o.livenessEverySec > 0) slow.push('antispoof', 'liveness');
    if (o.emotionEverySec > 0) slow.push('emotion');
    if (o.textEverySec > 0) slow.push('textdet');
    const sessions = { threads: o.threads, dir: o.modelsDir };
    // One thread per worker: they are there to use the second core, not to compete with the face path for it.
    const inWorker = { ...sessions, threads: 1 };
    const slowArena = { arena: o.slowModelArena };
    const groups = await openGroups(
      !o.workers
        ? [openModelGroup(['blazeface', 'facemesh', 'iris'], sessions), openModelGroup(slow, { ...sessions, ...slowArena })]
        : [
            openModelGroup(o.irisWorkers ? ['blazeface', 'facemesh'] : ['blazeface', 'facemesh', 'iris'], sessions),
            ...(o.irisWorkers ? [openModelsInWorker(['iris'], inWorker), openModelsInWorker(['iris'], inWorker)] : []),
            openModelsInWorker(slow, { ...inWorker, background: true, ...slowArena }),
          ],
    );
    // With Iris workers, each eye has its own thread; otherwise one session takes both eyes in a batch.
    const irises = groups.flatMap((g) => (g.models.iris ? [g.models.iris] : [])) as [Model] | [Model, Model];
    return new VisionPipeline(Object.assign({}, ...groups.map((g) => g.models)) as Partial<Record<ModelName, Model>>, o, groups, irises, fusion);
  }

  async release(): Promise<void> {
    await this.queue;
    await Promise.all(this.groups.map((g) => g.release()));
  }

  /** Forget tracked faces (a new, unrelated clip follows), after the frames already handed in. */
  reset(): void {
    void this.inOrder(async () => {
      this.forget();
      this.enrolment?.close();
    });
  }

  /**
   * Runs every open model once, on a blank 640x480 frame, so the first frames of a live session do not pay for
   * onnxruntime's first runs (its buffers and kernels are set up on the first call to each session). Before a
   * session, not inside it: frames are never left out of the latency figures instead.
   */
  warmUp(): Promise<void> {
    return this.inOrder(async () => {
      const frame: RgbFrame = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(128), t: 0, index: 0 };
      const runs: Promise<unknown>[] = [];
      for (const [name, model] of Object.entries(this.models) as [ModelName, Model][]) {
        if (name === 'iris') continue;
        if (name === 'textdet') runs.push(detectText(model, frame));
        else if (name === 'centernet') runs.push(detectObjects(model, frame));
        else if (name === 'nanodet') runs.push(detectObjectsNanodet(model, frame));
        else runs.push(model.run(new Float32Array(model.inputSize.reduce((a, b) => a * b, 1))));
      }
      for (const iris of this.irises) runs.push(iris.run(new Float32Array(iris.inputSize.reduce((a, b) => a * b, 1))));
      await Promise.all(runs);
    });
  }

  /**
   * The slower models' rates from the next frame on (a live session's policy, as a file's analysis opens with
   * them). A model that was not opened stays off.
   */
  setRates(rates: SlowModelRates): void {
    void this.inOrder(async () => void Object.assign(this.options, rates));
  }

  /**
   * Enrols the largest face in `frame` (the identity photo); false when there is no face. Until the next `reset()`,
   * usable frames handed to `process` whose face matches the photo at `matchAtLeast` join the enrolment
   * (enrolment.ts), each one descriptor run more.
   */
  enroll(frame: RgbFrame, matchAtLeast = defaultPolicy().rules.identityBelow): Promise<boolean> {
    return this.inOrder(async () => {
      this.forget();
      const faces = await this.faces(frame, true);
      this.forget();
      const primary = faces.faces[0];
      if (!primary) return false;
      this.enrolment = new FaceEnrolment(await faceDescriptor(await this.descriptorModel(), frame, primary.mesh.points), matchAtLeast);
      return true;
    });
  }

  /**
   * Analyses one frame. May be called again before the returned promise settles: frames go through the face path
   * in call order while earlier frames' slower models finish in the worker.
   */
  process(frame: RgbFrame): Promise<VisionResult> {
    try {
      checkFrame(frame);
    } catch (error) {
      return Promise.reject(error);
    }
    const face = this.inOrder(() => this.facePath(frame));
    const previous = this.answered;
    const done = face.then(async ({ result, later }) => {
      await Promise.all(later);
      // A frame with nothing slow due must not overtake an earlier one still waiting for the worker.
      await previous;
      return result;
    });
    this.answered = done.catch(() => undefined);
    return done;
  }

  private inOrder<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** How many frames the enrolled face is built from (0: none enrolled). */
  enrolledFrames(): Promise<number> {
    return this.inOrder(async () => this.enrolment?.frames ?? 0);
  }

  private async descriptorModel(): Promise<Model> {
    if (!this.models[IDENTITY_MODEL]) {
      // Its own background worker: one check every two seconds of two 224x224 runs (the face and its mirror) would
      // otherwise hold up this thread's face path for 40-100 ms.
      const group = this.options.workers
        ? await openModelsInWorker([IDENTITY_MODEL], { threads: 1, dir: this.options.modelsDir, background: true })
        : await openModelGroup([IDENTITY_MODEL], { threads: this.options.threads, dir: this.options.modelsDir });
      this.groups.push(group);
      this.models[IDENTITY_MODEL] = group.models[IDENTITY_MODEL];
    }
    return this.models[IDENTITY_MODEL];
  }

  private forget(): void {
    this.tracked = [];
    this.framesSinceDetect = Number.POSITIVE_INFINITY;
    this.livenessPoints = null;
    for (const k of Object.keys(this.lastRun) as Due[]) this.lastRun[k] = GRID_START;
  }

  /** Faces and their measures now; the slower models' results fill in `later` (their inputs are cut before it returns). */
  private async facePath(frame: RgbFrame): Promise<{ result: VisionResult; later: Promise<void>[] }> {
    this.slowStarted = false;
    const { faces, detectorRan } = await this.faces(frame, false);
    const features = emptyFrame(frame.t, frame.index);
    features.face_count = faces.length;
    const result: VisionResult = { features, faces, objects: null, detectorRan, livenessEvidence: null };
    const later: Promise<void>[] = [];
    for (const face of faces) {
      later.push(
        runIris(this.irises, frame, face.mesh).then((iris) => {
          face.mesh.points.push(...iris);
          face.gaze = gaze(face.mesh.points);
          if (face === faces[0]) describeGaze(face, features);
        }),
      );
    }
    const primary = faces[0];
    if (primary) result.livenessEvidence = this.describe(frame, primary, features, later);
    if (this.due('objects', frame.t)) {
      later.push(
        (this.fusion ? detectObjectsFused(this.model('centernet'), this.model('nanodet'), this.fusion, frame) : detectObjects(this.model('centernet'), frame)).then((objects) => {
          result.objects = objects;
          describeObjects(objects, frame.width, frame.height, features);
        }),
      );
    }
    if (this.due('text', frame.t)) {
      later.push(detectText(this.model('textdet'), frame).then((regions) => void (features.text = regions[0]?.score ?? 0)));
    }
    return { result, later };
  }

  private model(name: ModelName): Model {
    const m = this.models[name];
    if (!m) throw new Error(`vision model ${name} is not open`);
    return m;
  }

  private due(kind: Due, t: number): boolean {
    const o = this.options;
    const every = { objects: o.objectsEverySec, liveness: o.livenessEverySec, emotion: o.emotionEverySec, identity: o.identityEverySec, text: o.textEverySec }[kind];
    if (every <= 0 || !this.models[DUE_MODEL[kind]]) return false;
    if (kind === 'identity' && !this.enrolment) return false;
    const last = this.lastRun[kind];
    const d = dueOnGrid(last, t, every);
    if (!d.due) return false;
    // One slower model a frame: a frame's answer waits for its slower models, and the frames after it for that
    // answer, so all of them on one frame made every second's answers late (live p95 183 ms at 12 fps on a quiet
    // machine, with a p50 of 25 ms). Spread over the frames, each waits for one. A model a whole period overdue runs
    // anyway (frames slower than the models' rates), as does one not run since the last reset (a still image is
    // one frame, and gets every model). One put off keeps its grid slot (rate-schedule.ts).
    if (this.slowStarted && t >= last.taken && t - last.taken < 2 * every) return false;
    this.slowStarted = true;
    this.lastRun[kind] = d.next;
    return true;
  }

  private async faces(frame: RgbFrame, forceDetect: boolean): Promise<{ faces: FaceResult[]; detectorRan: boolean }> {
    let detectorRan = false;
    let crops: { crop: Crop; score: number | null }[] = this.tracked.map((crop) => ({ crop, score: null }));
    const detect = async () => {
      detectorRan = true;
      this.framesSinceDetect = 0;
      const found = await detectFaces(this.model('blazeface'), frame, this.options.detector);
      return found.map((d) => ({ crop: cropFromDetection(d), score: d.score }));
    };
    if (forceDetect || crops.length === 0 || this.framesSinceDetect >= this.options.detectEveryFrames) crops = await detect();
    else this.framesSinceDetect++;
    let results = await this.meshes(frame, crops);
    // Tracking lost: look again on this same frame rather than report no face.
    if (!detectorRan && results.length < crops.length) results = await this.meshes(frame, await detect());
    results.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h);
    this.tracked = results.map((f) => cropFromMesh(f.mesh.points));
    return { faces: results, detectorRan };
  }

  private async meshes(frame: RgbFrame, crops: { crop: Crop; score: number | null }[]): Promise<FaceResult[]> {
    const out: FaceResult[] = [];
    for (const { crop, score } of crops) {
      let mesh = await runFaceMesh(this.model('facemesh'), frame, crop, this.meshInput);
      if (mesh.score < this.options.minMeshScore) continue;
      // A detector box is rough (size and angle); one pass on the mesh's own crop gives the same mesh tracking would.
      if (score !== null) {
        const refined = await runFaceMesh(this.model('facemesh'), frame, cropFromMesh(mesh.points), this.meshInput);
        if (refined.score >= this.options.minMeshScore) mesh = refined;
      }
      const box = meshBox(mesh.points);
      // Two crops that converged on the same face keep one.
      if (out.some((f) => iou(f.box, box) > 0.5)) continue;
      out.push({ mesh, box, score: score ?? mesh.score, pose: headPose(mesh.points), gaze: null });
    }
    return out;
  }

  /** Fills the frame's face measures; returns the liveness evidence when the liveness models are due. */
  private describe(frame: RgbFrame, face: FaceResult, f: FrameFeatures, later: Promise<void>[]): Float32Array | null {
    const p = face.mesh.points;
    f.face_confidence = face.score;
    f.face_x = clamp01(face.box.x / frame.width);
    f.face_y = clamp01(face.box.y / frame.height);
    f.face_w = Math.min(1, face.box.w / frame.width);
    f.face_h = Math.min(1, face.box.h / frame.height);
    f.yaw = face.pose.yaw;
    f.pitch = face.pose.pitch;
    f.roll = face.pose.roll;
    f.ear_left = eyeAspectRatio(p, MESH.leftEye.ear);
    f.ear_right = eyeAspectRatio(p, MESH.rightEye.ear);
    f.blink = f.ear_left < BLINK_EAR && f.ear_right < BLINK_EAR;
    f.mouth_open = mouthOpening(p);
    const crop = face.mesh.crop;
    // Each runner cuts its input from the frame before its first await, so the frame is not needed after this.
    let evidence: Float32Array | null = null;
    if (this.due('liveness', frame.t)) {
      // Before the first await, like the runners below: the frame may be reused once this returns.
      const e = (evidence = frameEvidence(frame, crop, p, this.livenessPoints));
      this.livenessPoints = p.slice(0, 468);
      const scores = [antispoofScore(this.model('antispoof'), frame, crop), livenessScore(this.model('liveness'), frame, crop)] as const;
      later.push(Promise.all(scores).then(([a, l]) => {
        f.antispoof = a;
        f.liveness = l;
        setCnnScores(e, a, l);
      }));
    }
    if (this.due('emotion', frame.t)) later.push(emotion(this.model('emotion'), frame, crop).then((e) => void (f.emotion = e.label satisfies Emotion)));
    const enrolment = this.enrolment;
    // While the enrolment takes frames, every usable one is described (the identity step, before the session).
    const joining = enrolment !== null && enrolment.wants(f, frame.t);
    if (enrolment && (joining || this.due('identity', frame.t))) {
      later.push(
        faceDescriptor(this.model(IDENTITY_MODEL), frame, p).then((d) => {
          f.identity_similarity = cosineSimilarity(enrolment.template, d);
          if (joining) enrolment.offer(d, frame.t);
        }),
      );
    }
    return evidence;
  }
}

/** The measures that need the eyes: filled once the face's Iris result is back. */
function describeGaze(face: FaceResult, f: FrameFeatures): void {
  f.gaze_h = face.gaze?.h ?? null;
  f.gaze_v = face.gaze?.v ?? null;
  f.gaze_zone = gazeZone(face.pose, face.gaze);
  f.engagement = engagement(face.pose, face.gaze);
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

function checkFrame(frame: RgbFrame): void {
  if (!Number.isInteger(frame.width) || !Number.isInteger(frame.height) || frame.width < 1 || frame.height < 1) throw new Error(`frame ${frame.index}: size ${frame.width}x${frame.height} is not an image`);
  if (frame.data.length !== frame.width * frame.height * 3) throw new Error(`frame ${frame.index}: ${frame.data.length} bytes is not ${frame.width}x${frame.height} RGB (${frame.width * frame.height * 3} bytes)`);
}

/** Calibrated confidence at which a detected person is counted (the policy's default object threshold). */
export const PERSON_COUNT_CONFIDENCE = 0.7;
/** People kept in object_boxes: enough below the count's threshold for a stricter or laxer policy to recount. */
const PERSON_BOX_MIN = 0.3;
const OBJECT_COLUMNS = { phone: 'cell phone', book: 'book', laptop: 'laptop', tv: 'tv', remote: 'remote' } as const;

/** The object columns of a frame: each class's best calibrated confidence, people counted, and the boxes behind them. */
export function describeObjects(objects: readonly DetectedObject[], width: number, height: number, f: FrameFeatures): void {
  const norm = (o: DetectedObject) => [o.box.x / width, o.box.y / height, o.box.w / width, o.box.h / height, o.score].map((v) => Math.round(v * 1000) / 1000);
  const boxes: Record<string, unknown> = {};
  for (const [column, label] of Object.entries(OBJECT_COLUMNS) as [keyof typeof OBJECT_COLUMNS, string][]) {
    const best = objects.filter((o) => o.label === label).sort((a, b) => b.score - a.score)[0];
    f[column] = best?.score ?? 0;
    if (best && column !== 'remote') boxes[column] = norm(best);
  }
  const people = objects.filter((o) => o.label === 'person');
  f.person_count = people.filter((o) => o.score >= PERSON_COUNT_CONFIDENCE).length;
  boxes.person = people.filter((o) => o.score >= PERSON_BOX_MIN).map(norm);
  f.object_boxes = JSON.stringify(boxes);
}
