/**
 * `vigil bench liveness`: what temporal liveness costs per frame on one thread, beside the per-frame anti-spoof
 * model it sits next to, on the same face crops (liveness-seq frames, FaceMesh crops from the vision pipeline):
 * the evidence (texture, spectrum, depth; the CNN scores are the anti-spoof and liveness models, timed apart), the
 * transformer per window and per evidence frame (a window every 6), and what that adds per camera frame at the
 * live rate (evidence once a second, 12 fps).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { antispoofScore, livenessScore } from '../vision/face-attributes';
import { openModels } from '../vision/sessions';
import { VisionPipeline } from '../vision/pipeline';
import { readFrame, loadSequences } from './dataset';
import { EVIDENCE_DIM, frameEvidence } from './evidence';
import { LivenessModel } from './model';
import { STRIDE, WINDOW } from './windows';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[s.length >> 1]! * 1000) / 1000 : Number.NaN;
};

export async function benchLiveness(dataDir: string, frames = 60, onProgress: (d: number, t: number, s: string) => void = () => {}) {
  const sequences = loadSequences(join(dataDir, 'liveness-seq'));
  const paths = sequences.flatMap((s) => s.frames).filter((_, i) => i % 7 === 0).slice(0, frames);
  const vision = await VisionPipeline.open({ objectsEverySec: 0, emotionEverySec: 0, identityEverySec: 0, textEverySec: 0, livenessEverySec: 0, workers: false, threads: 1 });
  const { antispoof, liveness } = await openModels(['antispoof', 'liveness'], { threads: 1 });
  const model = await LivenessModel.load(undefined, 1);
  const evidenceMs: number[] = [];
  const evidenceCpuMs: number[] = [];
  const antispoofMs: number[] = [];
  const livenessCnnMs: number[] = [];
  const windowMs: number[] = [];
  const rows: Float32Array[] = [];
  try {
    for (let i = 0; i < paths.length; i++) {
      vision.reset();
      const frame = await readFrame(paths[i]!, i);
      const face = (await vision.process(frame)).faces[0];
      onProgress(i + 1, paths.length, paths[i]!);
      if (!face) continue;
      const cpu = process.cpuUsage();
      let t = performance.now();
      const e = frameEvidence(frame, face.mesh.crop, face.mesh.points, rows.length ? face.mesh.points : null);
      evidenceMs.push(performance.now() - t);
      // CPU time too: on a shared machine the wall time includes waiting for a core.
      const used = process.cpuUsage(cpu);
      evidenceCpuMs.push((used.user + used.system) / 1000);
      t = performance.now();
      e[0] = await antispoofScore(antispoof, frame, face.mesh.crop);
      antispoofMs.push(performance.now() - t);
      t = performance.now();
      e[1] = await livenessScore(liveness, frame, face.mesh.crop);
      livenessCnnMs.push(performance.now() - t);
      rows.push(e);
      if (rows.length >= WINDOW) {
        const x = new Float32Array(WINDOW * EVIDENCE_DIM);
        rows.slice(-WINDOW).forEach((r, k) => x.set(r, k * EVIDENCE_DIM));
        t = performance.now();
        await model.scoreWindows(x, 1);
        windowMs.push(performance.now() - t);
      }
    }
  } finally {
    await vision.release();
    await antispoof.release();
    await liveness.release();
    await model.release();
  }
  const evidence = median(evidenceMs);
  const perWindow = median(windowMs);
  const perEvidenceFrame = evidence + perWindow / STRIDE;
  return {
    frames: evidenceMs.length,
    threads: 1,
    evidenceMsMedian: evidence,
    evidenceCpuMsMedian: median(evidenceCpuMs),
    transformerMsPerWindow: perWindow,
    transformerMsPerEvidenceFrame: Math.round((perWindow / STRIDE) * 1000) / 1000,
    livenessMsPerEvidenceFrame: Math.round(perEvidenceFrame * 1000) / 1000,
    peer: 'per-frame anti-spoof CNN (@vladmandic/human antispoof, ONNX, 1 thread)',
    antispoofMsMedian: median(antispoofMs),
    livenessCnnMsMedian: median(livenessCnnMs),
    addedMsPerCameraFrameAt12Fps: Math.round((perEvidenceFrame / 12) * 1000) / 1000,
    note: 'evidence runs on the vision pipeline liveness frames (once a second); the CNN scores it uses are the anti-spoof and liveness models that already ran there',
    load: loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}
