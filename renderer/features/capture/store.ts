/**
 * Live capture for the exam: the camera stream, the engine session it feeds, what the engine said about the
 * latest frame, the warnings shown to the candidate, and any recording the engine could not take yet.
 */
import { create } from 'zustand';
import type { FinishedSession, FrameOutcome, PolicyView, ResponseOf } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';
import { openCamera } from './camera';
import { startAudioSender } from './audio-sender';
import { blobToBase64, startEvidenceRecorder, type RecorderHandle, type SegmentInfo } from './evidence-recorder';
import { startFrameSender } from './frame-sender';
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
let stopDeviceWatch: (() => void) | undefined;

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
let sender: { stop(): void } | undefined;
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
  const stopCapture = async () => {
    stopDeviceWatch?.();
    stopDeviceWatch = undefined;
    sender?.stop();
    sender = undefined;
    const a = audioSender;
    audioSender = undefined;
    await a?.stop();
    const r = recorder;
    recorder = undefined;
    await r?.stop();
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
      const stream = await get().openStream();
      const session = await invoke('session.start', { ...candidateFromLink(), devices: deviceLabels(stream) });
      origin = performance.now();
      stopDeviceWatch = watchDevices(stream, session.sessionId);
      set({ session, last: undefined, framesSent: 0, segmentsSent: 0, warnings: [], engineError: undefined });
      const video = await get().video();
      sender = startFrameSender({
        video,
        fps: session.processingFps,
        clock: get().clock,
        send: (frame) => invoke('session.frame', { sessionId: session.sessionId, ...frame }),
        onOutcome: (last) =>
          set((s) => ({
            last,
            framesSent: s.framesSent + 1,
            warnings: [...s.warnings, ...last.opened.map((o) => ({ id: nextWarning++, type: o.type, severity: o.severity, at: o.start, why: o.why }))],
          })),
        onError: engineFailed,
      });
      const addWarnings = (opened: FrameOutcome['opened']) => set((s) => ({ warnings: [...s.warnings, ...opened.map((o) => ({ id: nextWarning++, type: o.type, severity: o.severity, at: o.start, why: o.why }))] }));
      if (policy.detectors.audio) {
        audioSender = startAudioSender({ stream, sessionId: session.sessionId, clock: get().clock, onOutcome: (o) => addWarnings(o.opened), onError: engineFailed });
      }
      recorder = startEvidenceRecorder({
        stream,
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
      await stopCapture();
      const finished = await invoke('session.finish', { sessionId: session.sessionId });
      handedIn.add(session.sessionId);
      get().release();
      return finished;
    },
    release() {
      sender?.stop();
      for (const track of get().stream?.getTracks() ?? []) track.stop();
      set({ stream: undefined });
    },
  };
});
