/**
 * `vigil analyze` in the engine: one media file through audio (first: it is fast, and each video row then carries
 * its speech probability and voice count), vision, and the session engine. Notes in the report say plainly which
 * detectors could not run on this file and why.
 */
import { analyzeAudio, audioFeaturesAt, AudioInputError, type AudioAnalysis } from '../audio';
import type { FrameFeatures } from '../features/schema';
import { probeMedia, type MediaInfo } from '../media/probe';
import type { ExamPolicy } from '../policy/policy';
import type { Report } from '../report/report';
import type { Alert } from '../rules/alert';
import { applyAudioRules } from '../rules/audio-rules';
import { LivenessMonitor, loadDefaultLivenessModel } from '../liveness/monitor';
import { loadDefaultTemporalScorer, type TemporalScore } from '../temporal/scorer';
import { mediaFeatures, type FeatureStream } from '../vision/analyze-media';
import { PIPELINE_DEFAULTS, type PipelineOptions, type SlowModelRates } from '../vision/pipeline';
import { analyzeRecording, type AnalyzeOptions } from './analyze-recording';
import { fileEvidenceRecorder } from './file-evidence';
import { temporalAlerts } from './temporal-alerts';

/** As analyzeRecording's; without `store` nothing is stored, and `sync` needs `store`. */
export interface AnalyzeFileOptions extends Pick<AnalyzeOptions, 'policy' | 'calibrationSeconds' | 'studentId' | 'examId' | 'store' | 'sync'> {
  /** onnxruntime threads per vision model. */
  threads?: number;
  /** Each analysed frame, in order, with its audio columns filled (for --features). */
  onRow?: (row: FrameFeatures) => void | Promise<void>;
  onProgress?: (stage: 'audio' | 'video', done: number, total: number) => void;
}

export async function analyzeFile(path: string, options: AnalyzeFileOptions): Promise<Report> {
  const { policy } = options;
  const info = await probeMedia(path);

  const liveness = await livenessFor(policy, info);
  // The vision models load (worker threads, sessions: about half a second) while the audio pass runs.
  const stream = info.video
    ? mediaFeatures(path, { fps: policy.processingFps, pipeline: pipelineFor(policy, options.threads ?? 1), probed: info, framesInFlight: FILE_FRAMES_IN_FLIGHT, onLivenessEvidence: (e, t) => liveness.monitor?.push(e, t) })
    : null;
  try {
    return await analyzeWithStream(path, options, info, stream, liveness);
  } finally {
    await stream?.close();
  }
}

/** Temporal liveness on a video (not a still image) when the policy's liveness detector is on. */
async function livenessFor(policy: ExamPolicy, info: MediaInfo): Promise<{ monitor: LivenessMonitor | null; note: string | null }> {
  if (!info.video || info.durationSec === 0 || !policy.detectors.liveness) return { monitor: null, note: null };
  const model = await loadDefaultLivenessModel();
  return model instanceof Error ? { monitor: null, note: `temporal liveness not used: ${model.message}` } : { monitor: new LivenessMonitor(model), note: null };
}

async function analyzeWithStream(path: string, options: AnalyzeFileOptions, info: MediaInfo, stream: FeatureStream | null, liveness: { monitor: LivenessMonitor | null; note: string | null }): Promise<Report> {
  const { policy } = options;
  const notes: string[] = liveness.note ? [liveness.note] : [];
  const still = info.video !== null && info.durationSec === 0;

  let audio: AudioAnalysis | null = null;
  if (!info.audio) notes.push('no audio stream: speech and voice detectors did not run');
  else if (!policy.detectors.audio) notes.push('audio detectors are off in the policy');
  else {
    try {
      audio = await analyzeAudio(path, { onProgress: (done, total) => options.onProgress?.('audio', done, total) });
    } catch (error) {
      if (!(error instanceof AudioInputError)) throw error;
      notes.push(`audio could not be analysed: ${error.message}`);
    }
  }
  if (!info.video) notes.push('no video stream: face, gaze and object detectors did not run');
  if (policy.detectors.identity) notes.push('no enrolled face for this file: identity was not checked');

  const temporal = !info.video || still ? null : policy.detectors.temporal ? await loadDefaultTemporalScorer() : { scorer: null, reason: 'the temporal model is off in the policy' };
  if (temporal && !temporal.scorer) notes.push(`temporal model not used: ${temporal.reason}`);
  const temporalScores: TemporalScore[] = [];

  const durationSec = Math.max(info.durationSec, audio?.durationSec ?? 0);
  async function* rows(): AsyncGenerator<FrameFeatures> {
    if (!stream) return;
    let done = 0;
    for await (const row of stream.rows) {
      const merged = audio ? { ...row, ...audioFeaturesAt(audio.track, audio.windows, row.t) } : row;
      await options.onRow?.(merged);
      const score = await temporal?.scorer?.push(merged);
      if (score) temporalScores.push(score);
      options.onProgress?.('video', ++done, Math.max(stream.expectedFrames(), done));
      yield merged;
    }
    await liveness.monitor?.settle();
  }

  try {
    return await analyzeRecording(
      {
        source: path,
        durationSec,
        hasVideo: info.video !== null,
        hasAudio: audio !== null,
        frames: rows(),
        extraAlerts: () => [...applyAudioRules((audio?.alerts ?? []) as Alert[], policy), ...(temporal?.scorer ? temporalAlerts(temporalScores, temporal.scorer.threshold) : []), ...(liveness.monitor?.alerts() ?? [])],
        speechPerSecond: () => audio?.perSecond.map((s) => ({ t: s.t, prob: s.speechProb })) ?? [],
        temporalScores: () => temporalScores.map((s) => ({ t: s.t, score: s.score })),
        livenessScores: () => liveness.monitor?.timeline() ?? [],
        liveness: () => liveness.monitor?.report() ?? null,
      },
      {
        policy,
        calibrationSeconds: still ? 0 : options.calibrationSeconds,
        studentId: options.studentId,
        examId: options.examId,
        store: options.store,
        sync: options.sync,
        evidence: options.store && !still ? fileEvidenceRecorder(path, durationSec, info.video !== null) : undefined,
        notes: still ? [...notes, 'a still image: calibration and evidence clips do not apply'] : notes,
      },
    );
  } finally {
    await temporal?.scorer?.close();
  }
}

/**
 * With both eyes on the calling thread (`pipelineFor`), the face path outruns the slower models' worker between
 * their bursts (CenterNet and the text detector fall due on the same frame every 2 s): more frames in flight let it
 * keep going. center_left_center end to end, interleaved, 2 x 3 runs: 8 -> 3.05 s, 12 -> 2.90 s, 16 -> 2.88 s.
 */
export const FILE_FRAMES_IN_FLIGHT = 12;

/**
 * A detector the policy turns off is not run at all (its columns stay null), rather than run and ignored. A file is
 * analysed for frames per second, not for the wait per frame: the slower models keep their memory arena and both
 * eyes' Iris runs in one batch beside FaceMesh (the live app does neither).
 */
export function pipelineFor(policy: ExamPolicy, threads: number): Partial<PipelineOptions> {
  return { threads, slowModelArena: true, irisWorkers: false, ...detectorRates(policy) };
}

/**
 * The slower models a policy turns off, as pipeline rates: a file's analysis opens with them, and a live session
 * sets them on the shared pipeline (app/engine/live/frame-analyzer.ts), so both run the same models on the same
 * frames (which frame runs a slower model depends on which others are due: pipeline.ts due()).
 */
export function detectorRates(policy: ExamPolicy): SlowModelRates {
  const d = policy.detectors;
  const on = PIPELINE_DEFAULTS;
  return { objectsEverySec: d.objects ? on.objectsEverySec : 0, livenessEverySec: d.liveness ? on.livenessEverySec : 0, textEverySec: d.text ? on.textEverySec : 0 };
}
