/**
 * `vigil bench vision`: milliseconds per frame of our live pipeline (1 and 2 onnxruntime threads) and of the peer
 * (@vladmandic/human on TensorFlow.js WASM) on the same frames of ../shared/data/gaze-video, in one run.
 * Each clip's frames are decoded once, before any pass, into a raw RGB file that every pass reads back: no pass
 * shares the CPU with a decoder (the live app's frames come from the camera, not from ffmpeg), and frames are not
 * held in memory, so rssMB is the pipeline's own footprint; it is sampled during our first pass (the live configuration),
 * and per pass in rssMBByPass, before the peer loads.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingDataError } from '../data-sets';
import { openFrames, type RgbFrame } from '../media/frames';
import { pipelined } from './analyze-media';
import { openHumanPeer } from './peer-human';
import { VisionPipeline } from './pipeline';

export interface BenchVisionResult {
  frames: number;
  size: string;
  fps: number;
  oursMsMedian: number;
  oursMsP95: number;
  ours2ThreadsMsMedian: number;
  ours2ThreadsMsP95: number;
  peerMsMedian: number;
  peerMsP95: number;
  speedup: number;
  /**
   * Peak RSS of the process during the first pass: the live app's configuration (1 thread, every model at its
   * rate, liveness on), in a process that has run nothing else yet. Later passes open their own pipelines in the
   * same process, and memory the earlier ones freed is not all given back to the system (onnxruntime's arenas, the
   * heaps' top), so the maximum over all passes (`rssMBByPass`) measured the 2-thread pass on top of the 1-thread
   * one: 430 MB in the closing note of stop 23, against 296-353 for one live pipeline with or without liveness.
   */
  rssMB: number;
  rssMBByPass: { oneThread: number; twoThreads: number; stream: number; faceCore: number };
  peer: string;
  facesPerFrameOurs: number;
  facesPerFramePeer: number;
  warmupFrames: number;
  /**
   * Our pipeline fed as `vigil analyze` feeds it (FRAMES_IN_FLIGHT): the time between results, i.e. the cost per
   * frame of a stream when both cores are kept busy. The figures above are per frame with one frame at a time, as
   * the live app sends them and as the peer is timed.
   */
  oursStreamMsMedian: number;
  oursStreamMsP95: number;
  /** Face core only (detector, mesh, iris), both sides: the like-for-like model comparison. */
  faceCoreOursMsMedian: number;
  faceCorePeerMsMedian: number;
  faceCoreSpeedup: number;
  /** Context for the figures: the machine is shared, and a busy one slows both sides. */
  cpus: number;
  loadAverage1m: number;
}

export interface BenchOptions {
  /** Frames per clip (at `fps`). */
  framesPerClip: number;
  fps: number;
  warmup: number;
}

export const BENCH_DEFAULTS: BenchOptions = { framesPerClip: 90, fps: 12, warmup: 5 };

export function benchClips(dataDir: string): string[] {
  const dir = join(dataDir, 'gaze-video');
  if (!existsSync(dir)) throw new MissingDataError(`${dir}: missing (set VIGIL_DATA_DIR to the evaluation data)`);
  const clips = readdirSync(dir).filter((f) => /\.(mp4|webm|mkv|mov|avi)$/i.test(f)).sort();
  if (clips.length === 0) throw new MissingDataError(`${dir}: holds no video`);
  return clips.map((c) => join(dir, c));
}

interface RawClip {
  file: string;
  width: number;
  height: number;
  frames: number;
}

/** The first `framesPerClip` frames of each clip at `fps`, decoded into a raw RGB file in `dir`. */
async function decodeOnce(clips: string[], o: BenchOptions, dir: string): Promise<RawClip[]> {
  const raw: RawClip[] = [];
  for (const [i, clip] of clips.entries()) {
    const source = await openFrames(clip, o.fps);
    const out: RawClip = { file: join(dir, `clip-${i}.rgb`), width: source.width, height: source.height, frames: 0 };
    const handle = await open(out.file, 'w');
    try {
      for await (const f of source.frames) {
        await handle.write(f.data);
        if (++out.frames >= o.framesPerClip) break;
      }
    } finally {
      await handle.close();
    }
    raw.push(out);
  }
  return raw;
}

/** The decoded frames again, read from their files one frame at a time. */
async function* frames(raw: RawClip[], o: BenchOptions): AsyncGenerator<RgbFrame> {
  for (const clip of raw) {
    const bytes = clip.width * clip.height * 3;
    const handle = await open(clip.file, 'r');
    try {
      for (let index = 0; index < clip.frames; index++) {
        const data = Buffer.allocUnsafe(bytes);
        await handle.read(data, 0, bytes, index * bytes);
        yield { width: clip.width, height: clip.height, data, t: index / o.fps, index };
      }
    } finally {
      await handle.close();
    }
  }
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Per-frame times after the warm-up frames, sorted, and the faces found on those frames. */
function samples(warmup: number) {
  const ms: number[] = [];
  let found = 0;
  let seen = 0;
  return {
    add(elapsed: number, faces: number) {
      if (seen++ < warmup) return;
      ms.push(elapsed);
      found += faces;
    },
    result: () => ({ ms: ms.sort((a, b) => a - b), found }),
  };
}

/** One frame at a time: a frame's cost is its own call. */
async function timePass(source: AsyncIterable<RgbFrame>, o: BenchOptions, step: (f: RgbFrame) => Promise<number>, onFrame: () => void): Promise<{ ms: number[]; found: number }> {
  const timed = samples(o.warmup);
  for await (const f of source) {
    const start = performance.now();
    const faces = await step(f);
    timed.add(performance.now() - start, faces);
    onFrame();
  }
  return timed.result();
}

/**
 * Our pipeline as `vigil analyze` drives it: frames handed in up to FRAMES_IN_FLIGHT ahead, so the face path (main
 * thread) and the worker threads overlap. A frame's cost is the time from the previous result to its own, i.e. what
 * the stream pays per frame (frames read back from the decoded file).
 */
async function timePipelined(source: AsyncIterable<RgbFrame>, o: BenchOptions, vision: VisionPipeline, onFrame: () => void): Promise<{ ms: number[]; found: number }> {
  const timed = samples(o.warmup);
  let last = performance.now();
  for await (const r of pipelined(source, (f) => vision.process(f))) {
    const now = performance.now();
    timed.add(now - last, r.features.face_count);
    last = now;
    onFrame();
  }
  return timed.result();
}

/** The clips' frames for our pipeline: a new clip is a new video, so the tracked face is forgotten, as a new session would. */
async function* clipFrames(clips: RawClip[], o: BenchOptions, vision: VisionPipeline): AsyncGenerator<RgbFrame> {
  for await (const f of frames(clips, o)) {
    if (f.index === 0) vision.reset();
    yield f;
  }
}

type OnProgress = (done: number, total: number, detail: string) => void;

export async function benchVision(dataDir: string, options: Partial<BenchOptions> = {}, onProgress: OnProgress = () => {}): Promise<BenchVisionResult> {
  const o = { ...BENCH_DEFAULTS, ...options };
  const paths = benchClips(dataDir);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-vision-'));
  try {
    onProgress(0, paths.length * o.framesPerClip * 6, 'decoding the clips once');
    return await timeEveryPass(await decodeOnce(paths, o, dir), o, onProgress);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeEveryPass(clips: RawClip[], o: BenchOptions, onProgress: OnProgress): Promise<BenchVisionResult> {
  const total = clips.length * o.framesPerClip * 6;
  let done = 0;
  let size = '';
  let rss = 0;
  const tick = (detail: string) => () => {
    rss = Math.max(rss, process.memoryUsage().rss);
    onProgress(++done, total, detail);
  };
  /** The peak RSS of one pass (its own pipeline opened, run and released), then the peak is reset for the next. */
  const passPeak = async <T>(pass: () => Promise<T>): Promise<[T, number]> => {
    rss = process.memoryUsage().rss;
    const out = await pass();
    return [out, rss / 2 ** 20];
  };

  const ours = async (threads: number, mode: 'frame' | 'stream' | 'face core') => {
    const faceCore = mode === 'face core';
    const vision = await VisionPipeline.open(faceCore ? { threads, objectsEverySec: 0, livenessEverySec: 0, emotionEverySec: 0, identityEverySec: 0, textEverySec: 0 } : { threads });
    const onFrame = tick(`ours${mode === 'frame' ? '' : `, ${mode}`}, ${threads} thread${threads > 1 ? 's' : ''}`);
    try {
      const source = clipFrames(clips, o, vision);
      if (mode === 'stream') return await timePipelined(source, o, vision, onFrame);
      return await timePass(source, o, async (f) => {
        size = `${f.width}x${f.height}`;
        return (await vision.process(f)).features.face_count;
      }, onFrame);
    } finally {
      await vision.release();
    }
  };
  const [one, rssOne] = await passPeak(() => ours(1, 'frame'));
  const [two, rssTwo] = await passPeak(() => ours(2, 'frame'));
  const [stream, rssStream] = await passPeak(() => ours(1, 'stream'));
  const [core, rssCore] = await passPeak(() => ours(1, 'face core'));

  const peer = await openHumanPeer('full');
  const theirs = await timePass(frames(clips, o), o, async (f) => (await peer.detect(f)).faces, tick('peer'));
  const peerCore = await openHumanPeer('faceCore');
  const theirCore = await timePass(frames(clips, o), o, async (f) => (await peerCore.detect(f)).faces, tick('peer face core'));

  const oursMsMedian = pct(one.ms, 0.5);
  const peerMsMedian = pct(theirs.ms, 0.5);
  return {
    frames: one.ms.length,
    size,
    fps: o.fps,
    oursMsMedian: round(oursMsMedian),
    oursMsP95: round(pct(one.ms, 0.95)),
    ours2ThreadsMsMedian: round(pct(two.ms, 0.5)),
    ours2ThreadsMsP95: round(pct(two.ms, 0.95)),
    peerMsMedian: round(peerMsMedian),
    peerMsP95: round(pct(theirs.ms, 0.95)),
    speedup: round(peerMsMedian / oursMsMedian),
    rssMB: round(rssOne, 0),
    rssMBByPass: { oneThread: round(rssOne, 0), twoThreads: round(rssTwo, 0), stream: round(rssStream, 0), faceCore: round(rssCore, 0) },
    peer: peer.name,
    facesPerFrameOurs: round(one.found / one.ms.length),
    facesPerFramePeer: round(theirs.found / theirs.ms.length),
    warmupFrames: o.warmup,
    oursStreamMsMedian: round(pct(stream.ms, 0.5)),
    oursStreamMsP95: round(pct(stream.ms, 0.95)),
    faceCoreOursMsMedian: round(pct(core.ms, 0.5)),
    faceCorePeerMsMedian: round(pct(theirCore.ms, 0.5)),
    faceCoreSpeedup: round(pct(theirCore.ms, 0.5) / pct(core.ms, 0.5)),
    cpus: cpus().length,
    loadAverage1m: round(loadavg()[0] ?? 0),
  };
}
