/**
 * Opens the camera and microphone, and turns the browser's errors into what the candidate needs to know.
 */
export type CaptureFailure = 'denied' | 'absent' | 'busy' | 'unsupported' | 'unknown';

export class CaptureError extends Error {
  constructor(
    readonly kind: CaptureFailure,
    message: string,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

export const CAPTURE_ADVICE: Record<CaptureFailure, { title: string; todo: string }> = {
  denied: { title: 'Camera access was refused', todo: 'Allow Vigil to use the camera and microphone (in the permission prompt or your system privacy settings), then try again.' },
  absent: { title: 'No camera found', todo: 'Connect a camera (and microphone), then try again. If it is connected, check that your system sees it.' },
  busy: { title: 'The camera is being used by another program', todo: 'Close other programs that use the camera (video calls, other browsers), then try again.' },
  unsupported: { title: 'This window cannot use a camera', todo: 'Open the exam from the Vigil app, not from another browser.' },
  unknown: { title: 'The camera could not be started', todo: 'Try again. If it keeps failing, tell your invigilator.' },
};

export function classifyMediaError(error: unknown): CaptureError {
  const name = (error as { name?: string })?.name ?? '';
  const detail = (error as Error)?.message || name || String(error);
  if (name === 'NotAllowedError' || name === 'SecurityError') return new CaptureError('denied', `permission denied (${detail})`);
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new CaptureError('absent', `no matching device (${detail})`);
  if (name === 'NotReadableError' || name === 'AbortError') return new CaptureError('busy', `device could not be started (${detail})`);
  return new CaptureError('unknown', detail);
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15 } };

export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CaptureError('unsupported', 'navigator.mediaDevices is missing');
  try {
    return await navigator.mediaDevices.getUserMedia({ video: VIDEO, audio: { echoCancellation: false, noiseSuppression: false } });
  } catch (error) {
    throw classifyMediaError(error);
  }
}

/** The camera alone, opened afresh (the microphone already open stays as it is). */
export async function reopenVideo(): Promise<MediaStreamTrack> {
  try {
    const track = (await navigator.mediaDevices.getUserMedia({ video: VIDEO })).getVideoTracks()[0];
    if (!track) throw new CaptureError('absent', 'the camera opened without a video track');
    return track;
  } catch (error) {
    throw error instanceof CaptureError ? error : classifyMediaError(error);
  }
}

/** Peak microphone level over `ms`, 0..1, from the stream's audio track: proof the microphone hears something. */
export async function microphoneLevel(stream: MediaStream, ms = 1500): Promise<number> {
  const track = stream.getAudioTracks()[0];
  if (!track) return 0;
  const context = new AudioContext();
  try {
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    source.connect(analyser);
    const buffer = new Float32Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + ms;
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(buffer);
      for (const v of buffer) peak = Math.max(peak, Math.abs(v));
    }
    return Math.min(1, peak);
  } finally {
    await context.close();
  }
}
