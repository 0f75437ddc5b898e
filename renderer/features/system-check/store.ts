import { create } from 'zustand';
import { isVirtualDeviceName, type ExamCheck } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';
import { CaptureError, microphoneLevel } from '../capture/camera';
import { useCaptureStore } from '../capture/store';

export interface SystemCheckState {
  readonly phase: 'idle' | 'checking' | 'done' | 'error';
  readonly checks: readonly ExamCheck[];
  readonly cameraFailure?: CaptureError;
  readonly error?: string;
  run(): Promise<void>;
}

/** Camera and microphone are checked here, where the devices are; the rest by the engine. */
async function deviceChecks(): Promise<ExamCheck[]> {
  const stream = await useCaptureStore.getState().openStream();
  const video = stream.getVideoTracks()[0];
  const settings = video?.getSettings() ?? {};
  const camera: ExamCheck = video
    ? { id: 'camera', label: 'Camera', status: 'ok', summary: `${video.label || 'Camera'} is on (${settings.width ?? '?'}x${settings.height ?? '?'})`, evidence: { label: video.label, width: settings.width, height: settings.height, frameRate: settings.frameRate } }
    : { id: 'camera', label: 'Camera', status: 'fail', summary: 'No video track', evidence: {}, fix: 'Connect a camera.' };
  const audio = stream.getAudioTracks()[0];
  // A virtual camera or microphone feeds whatever a program gives it (a recording): warned now, an alert in the exam.
  const virtual = [video, audio].filter((t): t is MediaStreamTrack => t !== undefined && isVirtualDeviceName(t.label));
  const integrity: ExamCheck =
    virtual.length > 0
      ? { id: 'camera_integrity_app', label: 'Real camera', status: 'warn', summary: `${virtual.map((t) => t.label).join(', ')} is a virtual device: the exam records it as an alert`, evidence: { devices: virtual.map((t) => t.label) }, fix: 'Choose your real camera and microphone in your system settings, then check again.' }
      : { id: 'camera_integrity_app', label: 'Real camera', status: 'ok', summary: 'The camera and microphone are not known virtual devices', evidence: { camera: video?.label ?? null, microphone: audio?.label ?? null } };
  if (!audio) return [camera, integrity, { id: 'microphone', label: 'Microphone', status: 'fail', summary: 'No microphone found', evidence: {}, fix: 'Connect a microphone, then check again.' }];
  const level = await microphoneLevel(stream);
  const microphone: ExamCheck =
    level > 0.01
      ? { id: 'microphone', label: 'Microphone', status: 'ok', summary: `${audio.label || 'Microphone'} hears sound`, evidence: { label: audio.label, peakLevel: Number(level.toFixed(3)) } }
      : { id: 'microphone', label: 'Microphone', status: 'warn', summary: `${audio.label || 'Microphone'} is on but heard nothing`, evidence: { label: audio.label, peakLevel: Number(level.toFixed(3)) }, fix: 'Check the microphone is not muted; say a few words and check again.' };
  return [camera, integrity, microphone];
}

/**
 * Whether a check stops the exam: a failure. The engine judges the OS checks by the exam's policy (a start
 * condition it refuses is `fail`, one it lets through `warn`) and refuses session.start on the same grounds.
 */
export function blocks(check: ExamCheck): boolean {
  return check.status === 'fail';
}

export const useSystemCheckStore = create<SystemCheckState>((set) => ({
  phase: 'idle',
  checks: [],
  async run() {
    set({ phase: 'checking', checks: [], cameraFailure: undefined, error: undefined });
    try {
      const [devices, engine] = await Promise.all([deviceChecks(), invoke('system.check', {})]);
      set({ phase: 'done', checks: [...devices, ...engine.checks] });
    } catch (error) {
      if (error instanceof CaptureError) set({ phase: 'error', cameraFailure: error });
      else set({ phase: 'error', error: (error as Error).message });
    }
  },
}));
