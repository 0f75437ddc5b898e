/**
 * The streaming audio pipeline, one path for the microphone and for files: 16 kHz mono samples in, speech
 * probabilities (Silero VAD, 96 ms chunks), speech segments (hysteresis) and voice windows (3 s on the session
 * clock) out, as soon as each is final. MFCCs are computed only for chunks the VAD calls speech.
 */
import { SpeechPieces, clusterPieces } from './clusters';
import { DEFAULT_HYSTERESIS, SpeechHysteresis, type HysteresisOptions, type SpeechSegment } from './hysteresis';
import { MfccExtractor } from './mfcc';
import { SAMPLE_RATE } from './pcm';
import { DEFAULT_VOICE_THRESHOLDS, type VoiceThresholds } from './thresholds';
import { VAD_CHUNK, type SileroVad } from './vad';
import { FRAME_SEC, VOICE_DIMS, VOICE_FIRST, judgeWindow, type Enrolment, type VoiceWindow, type WindowClusters } from './voices';

export interface AnalyzerOptions {
  readonly hysteresis: HysteresisOptions;
  readonly thresholds: VoiceThresholds;
  readonly windowSec: number;
  readonly enrolment: Enrolment | null;
  /** Session-clock time of the first sample. */
  readonly t0: number;
  /** Keep every MFCC speech frame (for enrolment); off for long sessions. */
  readonly keepSpeechFrames: boolean;
}

export const DEFAULT_ANALYZER: AnalyzerOptions = { hysteresis: DEFAULT_HYSTERESIS, thresholds: DEFAULT_VOICE_THRESHOLDS, windowSec: 3, enrolment: null, t0: 0, keepSpeechFrames: false };

export const CHUNK_SEC = VAD_CHUNK / SAMPLE_RATE;
const HOP = 256;
const FRAMES_PER_CHUNK = VAD_CHUNK / HOP;
/** Pieces of speech the session clustering keeps (at 1.5 s each, the last ~2 minutes of speech): bounds its cost. */
const MAX_PIECES = 80;
/** A pause this long ends a piece of speech: a new speaker may start after it. */
const PIECE_GAP_SEC = 0.3;

export interface AnalyzerListener {
  segment?(segment: SpeechSegment): void;
  window?(window: VoiceWindow): void;
}

export class AudioAnalyzer {
  readonly options: AnalyzerOptions;
  /** Speech probability per chunk; chunk i covers [chunkTimes[i], chunkTimes[i] + CHUNK_SEC). */
  readonly probs: number[] = [];
  readonly chunkTimes: number[] = [];
  readonly segments: SpeechSegment[] = [];
  readonly windows: VoiceWindow[] = [];
  readonly speechFrames: Float64Array[] = [];

  private readonly mfcc = new MfccExtractor();
  private hysteresis: SpeechHysteresis;
  private readonly pending = new Float32Array(VAD_CHUNK);
  private pendingLength = 0;
  /** The previous chunk's last HOP samples, then the current chunk: MFCC frames straddle chunk edges. */
  private readonly frameBuffer = new Float32Array(HOP + VAD_CHUNK);
  private t: number;
  private windowIndex: number;
  private windowFrames: Float64Array[] = [];
  private windowMaxProb = 0;
  private windowHasAudio = false;
  /** Speech pieces of the session so far, clustered into voices each time a window closes. */
  private readonly pieces: SpeechPieces;

  constructor(
    private readonly vad: SileroVad,
    options: Partial<AnalyzerOptions> = {},
    private readonly listener: AnalyzerListener = {},
  ) {
    this.options = { ...DEFAULT_ANALYZER, ...options };
    this.hysteresis = new SpeechHysteresis(this.options.hysteresis, this.options.t0);
    this.t = this.options.t0;
    this.windowIndex = Math.floor(this.t / this.options.windowSec);
    this.pieces = new SpeechPieces({ pieceSec: this.options.thresholds.pieceSec, gapSec: PIECE_GAP_SEC, frameSec: FRAME_SEC, maxPieces: MAX_PIECES }, VOICE_FIRST, VOICE_DIMS);
    vad.reset();
  }

  /** Session-clock time of the next sample to arrive. */
  get now(): number {
    return this.t + this.pendingLength / SAMPLE_RATE;
  }

  async push(samples: Float32Array): Promise<void> {
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(VAD_CHUNK - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === VAD_CHUNK) await this.processChunk(this.pending);
    }
  }

  /**
   * A gap in capture (device lost, then back at session time `t`): close what is open, forget the VAD's
   * state, and go on from `t`. Nothing is invented for the missing time.
   */
  async resumeAt(t: number): Promise<void> {
    await this.flushPartial();
    this.closeSegment();
    this.closeWindow();
    this.vad.reset();
    this.frameBuffer.fill(0);
    this.pieces.breakHere();
    this.t = t;
    this.hysteresis = new SpeechHysteresis(this.options.hysteresis, t);
    this.windowIndex = Math.floor(t / this.options.windowSec);
  }

  /** End of input: the last partial chunk (zero-padded), then every open segment and window. */
  async finish(): Promise<void> {
    await this.flushPartial();
    this.closeSegment();
    this.closeWindow();
  }

  private async flushPartial(): Promise<void> {
    if (this.pendingLength === 0) return;
    const length = this.pendingLength;
    this.pending.fill(0, length);
    await this.processChunk(this.pending, length);
  }

  private async processChunk(chunk: Float32Array, valid = VAD_CHUNK): Promise<void> {
    const t = this.t;
    const dt = valid / SAMPLE_RATE;
    const p = await this.vad.probability(chunk);
    this.pendingLength = 0;
    this.probs.push(p);
    this.chunkTimes.push(t);
    const closed = this.hysteresis.push(t, dt, p);
    if (closed) this.addSegment(closed);

    this.frameBuffer.copyWithin(0, VAD_CHUNK);
    this.frameBuffer.set(chunk, HOP);
    const isSpeech = p >= this.options.hysteresis.onThreshold;
    for (let j = 0; j < FRAMES_PER_CHUNK; j++) {
      const frameT = t + j * FRAME_SEC;
      if (frameT >= t + dt) break;
      this.advanceWindow(frameT);
      this.windowHasAudio = true;
      if (j === 0) this.windowMaxProb = Math.max(this.windowMaxProb, p);
      if (!isSpeech) continue;
      const frame = new Float64Array(this.mfcc.options.coefficients);
      this.mfcc.compute(this.frameBuffer, j * HOP, frame);
      this.windowFrames.push(frame);
      this.pieces.add(frameT, this.windowIndex, frame);
      if (this.options.keepSpeechFrames) this.speechFrames.push(frame);
    }
    this.t = t + dt;
  }

  private advanceWindow(t: number): void {
    const index = Math.floor(t / this.options.windowSec + 1e-9);
    if (index === this.windowIndex) return;
    this.closeWindow((this.windowIndex + 1) * this.options.windowSec);
    this.windowIndex = index;
  }

  /** Closes the open window; it ends at its boundary, or earlier where the audio ends (`until`). */
  private closeWindow(until: number = this.t): void {
    if (!this.windowHasAudio) return;
    const start = this.windowIndex * this.options.windowSec;
    const end = Math.max(start, Math.min(start + this.options.windowSec, until));
    const window = judgeWindow(start, end, this.windowFrames, this.windowMaxProb, this.options.thresholds, this.options.enrolment, this.windowClusters());
    this.windows.push(window);
    this.listener.window?.(window);
    this.windowFrames = [];
    this.windowMaxProb = 0;
    this.windowHasAudio = false;
  }

  /**
   * The session's speech so far, clustered into voices, and how much of the closing window's speech each
   * voice holds. Only windows with enough speech for two voices pay for the clustering.
   */
  private windowClusters(): WindowClusters {
    const { minClusterSec, clusterLambda } = this.options.thresholds;
    if (this.windowFrames.length * FRAME_SEC < 2 * minClusterSec) return { seconds: [], score: null };
    const pieces = this.pieces.current();
    const clustering = clusterPieces(pieces.map((p) => p.stats), clusterLambda, this.options.enrolment?.stats ?? null);
    const frames = new Map<number, number>();
    pieces.forEach((p, i) => {
      const n = p.windowFrames.get(this.windowIndex);
      if (n) frames.set(clustering.labels[i]!, (frames.get(clustering.labels[i]!) ?? 0) + n);
    });
    const present = [...frames.entries()].sort((a, b) => b[1] - a[1]);
    const seconds = present.map(([, n]) => n * FRAME_SEC);
    if (present.length < 2) return { seconds, score: null };
    const [a, b] = [present[0]!, present[1]!];
    const n = pieces.reduce((sum, p, i) => sum + (clustering.labels[i] === a[0] || clustering.labels[i] === b[0] ? p.stats.n : 0), 0);
    return { seconds, score: clustering.separation(a[0], b[0]) / Math.max(1, n) };
  }

  private closeSegment(): void {
    const last = this.hysteresis.finish();
    if (last) this.addSegment(last);
  }

  private addSegment(segment: SpeechSegment): void {
    const prev = this.segments[this.segments.length - 1];
    // Padding can make neighbours touch; they are one stretch of speech (the listener sees it again, longer).
    if (prev && segment.start <= prev.end) {
      const merged = { start: prev.start, end: Math.max(prev.end, segment.end), meanProb: (prev.meanProb + segment.meanProb) / 2, maxProb: Math.max(prev.maxProb, segment.maxProb) };
      this.segments[this.segments.length - 1] = merged;
      this.listener.segment?.(merged);
      return;
    }
    this.segments.push(segment);
    this.listener.segment?.(segment);
  }
}
