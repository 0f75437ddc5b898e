/**
 * Live capture for the exam: the camera stream, the engine session it feeds, what the engine said about the
 * latest frame, the warnings shown to the candidate, and any recording the engine could not take yet.
 */
import { create } from 'zustand';
import type { CaptureStats, DeviceReport, FinishedSession, FrameOutcome, PolicyView, ResponseOf } from '../../../app/ipc/contract';
import { invoke, sendFrame } from '../../lib/ipc-client';
import { openCamera, reopenVideo } from './camera';
import { canReadTrackFrames, startFrameStream, percentile } from './frame-stream';
import { startAudioSender } from './audio-sender';
import { blobToBase64, startEvidenceRecorder, type RecorderHandle, type SegmentInfo } from './evidence-recorder';
import { startFrameSender } from './frame-sender';
import { scaledVideoTrack, type ScaledTrack } from './scaled-track';

/** `?frames=json` selects the previous transport (base64 JSON, 320x240) for `vigil bench live --transport json`. */
function frameTransport(): 'bytes' | 'json' {
  return new URLSearchParams(location.search).get('frames') === 'json' ? 'json' : 'bytes';
}

const deviceInfo = (track: MediaStreamTrack | undefined) => (track ? { label: track.label.slice(0, 300), deviceId: (track.getSettings().deviceId ?? '').slice(0, 300) } : null);

/** Evidence clips' size and rate: enough to review, and a quarter of the encoding work of the camera's 640x480. */
const EVIDENCE_VIDEO = { width: 320, height: 240, frameRate: 15 };

/**
 * The stream the evidence recorder encodes: the camera scaled down (scaled-track.ts; the frames for analysis keep
 * the full size) and the microphone as it is. If the browser cannot scale, the camera as it is.
 */
function evidenceStream(stream: MediaStream): MediaStream {
  const camera = stream.getVideoTracks()[0];
  if (!camera) return stream;
  const small = scaledVideoTrack(camera, EVIDENCE_VIDEO.width, EVIDENCE_VIDEO.height, EVIDENCE_VIDEO.frameRate);
  if (!small) return stream;
  evidenceTrack = small;
  return new MediaStream([small.track, ...stream.getAudioTracks()]);
}

/**
 * Tells the engine which camera and microphone the session opened (their names reveal virtual cameras), and
 * when one ends (unplugged, taken by another program) or the system's devices change under the session.
 */
function watchCamera(stream: MediaStream, sessionId: string, clock: () => number, onOpened: (opened: FrameOutcome['opened']) => void, onError: (e: Error) => void): { stop(): void; lost(): void } {
  const camera = stream.getVideoTracks()[0];
  const microphone = stream.getAudioTracks()[0];
  const report = (kind: DeviceReport['kind']) =>
    void invoke('session.camera', { sessionId, report: { t: clock(), kind, camera: deviceInfo(camera), microphone: deviceInfo(microphone) } }).then((o) => onOpened(o.opened), onError);
  report('start');
  let ended = false;
  const onEnded = () => {
    if (ended) return;
    ended = true;
    report('ended');
  };
  const onDeviceChange = () =>
    void navigator.mediaDevices.enumerateDevices().then((devices) => {
      const ids = new Set(devices.map((d) => d.deviceId));
      const lost = [camera, microphone].some((t) => t && t.getSettings().deviceId && !ids.has(t.getSettings().deviceId!));
      if (lost) onEnded();
    });
  camera?.addEventListener('ended', onEnded);
  microphone?.addEventListener('ended', onEnded);
  navigator.mediaDevices.addEventListener('devicechange', onDeviceChange);
  return {
    lost: onEnded,
    stop() {
      camera?.removeEventListener('ended', onEnded);
      microphone?.removeEventListener('ended', onEnded);
      navigator.mediaDevices.removeEventListener('devicechange', onDeviceChange);
    },
  };
}
import { problemFrom } from '../flow/problems';
import { useFlowStore } from '../flow/store';

export interface Warning {
  readonly id: number;
  readonly type: string;
  readonly severity: string;
  readonly at: number;
  readonly why: string;
}

export interface UnsentSegment {
  readonly start: number;
  readonly end: number;
  readonly blob: Blob;
  readonly url: string;
}

type Session = ResponseOf<'session.start'>;

export interface CaptureState {
  readonly stream?: MediaStream;
  readonly session?: Session;
  readonly last?: FrameOutcome;
  readonly framesSent: number;
  /** Frames the engine refused (wrong size or header, another session); the exam goes on. */
  readonly framesRefused: number;
  readonly segmentsSent: number;
  readonly warnings: readonly Warning[];
  readonly unsent: readonly UnsentSegment[];
  readonly engineError?: string;
  /** Opens camera and microphone once; later calls reuse the stream. Throws a CaptureError. */
  openStream(): Promise<MediaStream>;
  /** Starts a fresh engine session (the session clock starts now), sending frames and recording evidence. */
  startSession(policy: PolicyView): Promise<Session>;
  clock(): number;
  /** A playing, hidden video of the camera stream, for taking frames. */
  video(): Promise<HTMLVideoElement>;
  dismissWarning(id: number): void;
  /** Stops sending and recording, hands over the last segment, and asks the engine for the report. */
  finish(): Promise<FinishedSession>;
  release(): void;
}

let origin = 0;
let sender: { stop(): void | Promise<void>; stats(): CaptureStats } | undefined;
let deviceWatch: { stop(): void; lost(): void } | undefined;
/** The scaled clone of the camera the evidence recorder uses; stopped with the recorder so the camera can close. */
let evidenceTrack: ScaledTrack | undefined;
let stopDeviceWatch: (() => void) | undefined;
/**
 * How often the screens see the frame count and last outcome (ms). Setting them on every answer re-rendered the
 * exam screen 12 times a second, a large share of the page's CPU per frame sent (see the commit measuring it).
 */
const FRAME_UI_MS = 250;
/** Shows the frame answers not yet shown (the running session's batch); a no-op between sessions. */
let flushFrameUi: () => void = () => {};

/** Capture devices plugged in or out, and a camera or microphone track that ends, go into the session's record. */
function watchDevices(stream: MediaStream, sessionId: string): () => void {
  const report = (change: 'devices_changed' | 'track_ended', kind: 'camera' | 'microphone' | 'other', labels: string[]) =>
    void invoke('session.device', { sessionId, change, kind, labels: labels.slice(0, 32).map((l) => l.slice(0, 200)) }).catch(() => undefined);
  const onChange = () =>
    void navigator.mediaDevices.enumerateDevices().then((devices) =>
      report('devices_changed', 'other', devices.filter((d) => d.kind !== 'audiooutput').map((d) => `${d.kind}: ${d.label || '(no label)'}`)),
    );
  navigator.mediaDevices.addEventListener('devicechange', onChange);
  const ended = stream.getTracks().map((track) => {
    const onEnded = () => report('track_ended', track.kind === 'video' ? 'camera' : 'microphone', [track.label]);
    track.addEventListener('ended', onEnded);
    return () => track.removeEventListener('ended', onEnded);
  });
  return () => {
    navigator.mediaDevices.removeEventListener('devicechange', onChange);
    for (const off of ended) off();
  };
}
/** How long the page waits for a stopped engine to come back before the exam stops. */
const ENGINE_BACK_MS = 15_000;

async function waitForEngine(): Promise<void> {
  const until = performance.now() + ENGINE_BACK_MS;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      await invoke('engine.ping', { nonce: 'back' });
      return;
    } catch {
      // still down
    }
  }
  throw new Error('the engine did not come back');
}

/** Candidate and exam ids from the exam link (`?student=…&exam=…`), for the record and the report. */
function candidateFromLink(): { studentId?: string; examId?: string } {
  const query = new URLSearchParams(location.search);
  const pick = (key: string) => query.get(key)?.slice(0, 200) || undefined;
  const studentId = pick('student');
  const examId = pick('exam');
  return { ...(studentId ? { studentId } : {}), ...(examId ? { examId } : {}) };
}

function deviceLabels(stream: MediaStream): { camera?: string; microphone?: string } {
  const camera = stream.getVideoTracks()[0]?.label.slice(0, 200);
  const microphone = stream.getAudioTracks()[0]?.label.slice(0, 200);
  return { ...(camera ? { camera } : {}), ...(microphone ? { microphone } : {}) };
}
let audioSender: { stop(): Promise<void> } | undefined;
let recorder: RecorderHandle | undefined;
let nextWarning = 0;
let hidden: HTMLVideoElement | undefined;

/** A hidden, playing video of the stream, resolved once it has shown a few real frames (the first can be black). */
async function hiddenVideo(stream: MediaStream): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
  return video;
}

export const useCaptureStore = create<CaptureState>((set, get) => {
  const stopCapture = async (): Promise<CaptureStats | undefined> => {
    deviceWatch?.stop();
    deviceWatch = undefined;
    stopDeviceWatch?.();
    stopDeviceWatch = undefined;
    const s = sender;
    sender = undefined;
    await s?.stop();
    // The answers that came in since the screens last looked, before the next session's counts start at zero.
    flushFrameUi();
    flushFrameUi = () => {};
    const a = audioSender;
    audioSender = undefined;
    await a?.stop();
    const r = recorder;
    recorder = undefined;
    await r?.stop();
    evidenceTrack?.stop();
    evidenceTrack = undefined;
    return s?.stats();
  };
  /**
   * An engine that stopped is usually started again by the shell, and the session goes on where its record
   * stops: wait for it (ENGINE_BACK_MS, 15 s), then send the recording it missed. One that stays gone stops the exam on
   * a screen that says so; other errors show on the status light.
   */
  let recovering: Promise<void> | undefined;
  const engineFailed = (error: Error) => {
    set({ engineError: error.message });
    if (!/^engine_down/.test(error.message)) return;
    recovering ??= waitForEngine().then(
      async () => {
        recovering = undefined;
        set({ engineError: undefined });
        await resendUnsent();
      },
      () => {
        recovering = undefined;
        useFlowStore.getState().fail(problemFrom(error, 'The exam'));
      },
    );
  };
  const resendUnsent = async () => {
    const session = get().session;
    if (!session) return;
    for (const segment of get().unsent) {
      try {
        await invoke('session.evidence', { sessionId: session.sessionId, start: segment.start, end: segment.end, mime: segment.blob.type.split(';')[0] ?? 'video/webm', data: await blobToBase64(segment.blob) });
        URL.revokeObjectURL(segment.url);
        set((s) => ({ unsent: s.unsent.filter((u) => u !== segment), segmentsSent: s.segmentsSent + 1 }));
      } catch {
        return;
      }
    }
  };
  /** Sessions already handed in (session.finish answered). */
  const handedIn = new Set<string>();
  const keepUnsent = (segment: SegmentInfo) => set((s) => ({ unsent: [...s.unsent, { ...segment, url: URL.createObjectURL(segment.blob) }] }));

  return {
    framesSent: 0,
    framesRefused: 0,
    segmentsSent: 0,
    warnings: [],
    unsent: [],
    async openStream() {
      const existing = get().stream;
      if (existing && existing.getVideoTracks().some((t) => t.readyState === 'live')) return existing;
      const stream = await openCamera();
      set({ stream });
      return stream;
    },
    async startSession(policy) {
      await stopCapture();
      // The engine runs one session at a time and refuses a second start: an earlier attempt (calibrating again)
      // is handed in first, so its record is kept rather than discarded.
      const previous = get().session;
      if (previous && !handedIn.has(previous.sessionId)) {
        await invoke('session.finish', { sessionId: previous.sessionId }).catch(() => undefined);
        handedIn.add(previous.sessionId);
      }
      await get().openStream();
      const session = await invoke('session.start', { ...candidateFromLink(), devices: deviceLabels(get().stream!) });
      // The session binds to a freshly opened camera: the device it records as the exam's, and the moment its
      // first frame is captured is the session's t = 0 (a file fed as a camera starts over at that moment too).
      // The microphone stays open as it is.
      const before = get().stream!;
      for (const track of before.getVideoTracks()) track.stop();
      const stream = new MediaStream([await reopenVideo(), ...before.getAudioTracks()]);
      set({ stream });
      stopDeviceWatch = watchDevices(stream, session.sessionId);
      set({ session, last: undefined, framesSent: 0, framesRefused: 0, segmentsSent: 0, warnings: [], engineError: undefined });
      const addWarnings = (opened: FrameOutcome['opened']) => set((s) => ({ warnings: [...s.warnings, ...opened.map((o) => ({ id: nextWarning++, type: o.type, severity: o.severity, at: o.start, why: o.why }))] }));
      const track = stream.getVideoTracks()[0];
      if (!track) throw new Error('camera_lost: the camera stream has no video');
      // The screens see the frame count and the last outcome a few times a second, not on each of 12 answers a
      // second; a warning that opened shows at once (with the count so far). A new warnings list only when one opened.
      let batch = { sent: 0, last: undefined as FrameOutcome | undefined, timer: undefined as ReturnType<typeof setTimeout> | undefined };
      const flushFrames = (opened: FrameOutcome['opened'] = []) => {
        if (batch.timer) clearTimeout(batch.timer);
        const { sent, last } = batch;
        batch = { sent: 0, last: undefined, timer: undefined };
        if (sent === 0 && opened.length === 0) return;
        set((s) => ({
          ...(last ? { last } : {}),
          framesSent: s.framesSent + sent,
          ...(opened.length ? { warnings: [...s.warnings, ...opened.map((o) => ({ id: nextWarning++, type: o.type, severity: o.severity, at: o.start, why: o.why }))] } : {}),
        }));
      };
      flushFrameUi = () => flushFrames();
      const onOutcome = (last: FrameOutcome) => {
        batch.sent += 1;
        batch.last = last;
        if (last.opened.length) flushFrames(last.opened);
        else batch.timer ??= setTimeout(() => flushFrames(), FRAME_UI_MS);
      };
      if (frameTransport() === 'json') {
        // The transport before frames went as bytes (base64 in JSON, 320x240, one in flight), kept to measure against.
        origin = performance.now();
        const video = await get().video();
        const latencies: number[] = [];
        const old = startFrameSender({ video, fps: session.processingFps, clock: get().clock, send: (frame) => invoke('session.frame', { sessionId: session.sessionId, ...frame }), onOutcome, onError: engineFailed, latencies });
        sender = { stop: () => old.stop(), stats: () => ({ transport: 'json-base64', width: old.stats.width, height: old.stats.height, sent: old.stats.sent, dropped: old.stats.skipped, latencyP50Ms: percentile(latencies, 50), latencyP95Ms: percentile(latencies, 95) }) };
      } else {
        const frames = await startFrameStream({
          track,
          sessionId: session.sessionId,
          fps: session.processingFps,
          send: sendFrame,
          onAnswer: (answer) => 'outcome' in answer && onOutcome(answer.outcome),
          // Counted (and in the report); the exam goes on, so the status light does not say Vigil stopped.
          onRefused: () => set((s) => ({ framesRefused: s.framesRefused + 1 })),
          onError: engineFailed,
          onCameraLost: () => deviceWatch?.lost(),
          video: canReadTrackFrames() ? undefined : await get().video(),
        });
        origin = frames.originMs;
        sender = frames;
      }
      deviceWatch = watchCamera(stream, session.sessionId, get().clock, addWarnings, engineFailed);
      if (policy.detectors.audio) {
        audioSender = startAudioSender({ stream, sessionId: session.sessionId, clock: get().clock, onOutcome: (o) => addWarnings(o.opened), onError: engineFailed });
      }
      recorder = startEvidenceRecorder({
        stream: evidenceStream(stream),
        sessionId: session.sessionId,
        segmentSec: session.segmentSec,
        clock: get().clock,
        onSent: () => set((s) => ({ segmentsSent: s.segmentsSent + 1 })),
        onUnsent: (segment, error) => {
          keepUnsent(segment);
          engineFailed(error);
        },
      });
      return session;
    },
    clock: () => Math.max(0, (performance.now() - origin) / 1000),
    async video() {
      const stream = await get().openStream();
      if (!hidden || hidden.srcObject !== stream) hidden = await hiddenVideo(stream);
      return hidden;
    },
    dismissWarning: (id) => set((s) => ({ warnings: s.warnings.filter((w) => w.id !== id) })),
    async finish() {
      const session = get().session;
      if (!session) throw new Error('no exam session is running');
      const capture = await stopCapture();
      const finished = await invoke('session.finish', { sessionId: session.sessionId, ...(capture ? { capture } : {}) });
      handedIn.add(session.sessionId);
      get().release();
      return finished;
    },
    release() {
      void sender?.stop();
      evidenceTrack?.stop();
      evidenceTrack = undefined;
      for (const track of get().stream?.getTracks() ?? []) track.stop();
      set({ stream: undefined });
    },
  };
});
