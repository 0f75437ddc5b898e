/**
 * The rolling evidence recorder: MediaRecorder restarted every few seconds, so each segment is a complete,
 * playable WebM on its own. Every segment goes to the engine, which keeps only those around a flag. A segment
 * the engine could not take stays in the page (onUnsent), so nothing captured is lost.
 */
import { invoke } from '../../lib/ipc-client';

export interface SegmentInfo {
  start: number;
  end: number;
  blob: Blob;
}

export interface RecorderHandle {
  /** Stops recording and waits until the last segment is handed over (or kept as unsent). */
  stop(): Promise<void>;
}

export function startEvidenceRecorder(options: { stream: MediaStream; sessionId: string; segmentSec: number; clock: () => number; onSent: (s: SegmentInfo) => void; onUnsent: (s: SegmentInfo, error: Error) => void }): RecorderHandle {
  const mime = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp8', 'video/webm'].find((m) => MediaRecorder.isTypeSupported(m)) ?? '';
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const pending = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const recordOne = (): Promise<void> =>
    new Promise((resolve) => {
      const recorder = new MediaRecorder(options.stream, mime ? { mimeType: mime, videoBitsPerSecond: 250_000 } : undefined);
      const chunks: Blob[] = [];
      const start = options.clock();
      recorder.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
      recorder.onstop = () => {
        const segment = { start, end: options.clock(), blob: new Blob(chunks, { type: recorder.mimeType || 'video/webm' }) };
        const sending = send(segment).finally(() => pending.delete(sending));
        pending.add(sending);
        resolve();
      };
      recorder.start();
      timer = setTimeout(() => recorder.state !== 'inactive' && recorder.stop(), options.segmentSec * 1000);
      stopNow = () => {
        if (timer) clearTimeout(timer);
        if (recorder.state !== 'inactive') recorder.stop();
      };
    });
  let stopNow = () => {};

  const send = async (segment: SegmentInfo) => {
    if (segment.blob.size === 0) return;
    try {
      await invoke('session.evidence', { sessionId: options.sessionId, start: segment.start, end: segment.end, mime: segment.blob.type.split(';')[0] ?? 'video/webm', data: await blobToBase64(segment.blob) });
      options.onSent(segment);
    } catch (error) {
      options.onUnsent(segment, error as Error);
    }
  };

  const loop = async () => {
    while (!stopped) {
      current = recordOne();
      await current;
    }
  };
  void loop();

  return {
    async stop() {
      stopped = true;
      stopNow();
      await current;
      await Promise.all([...pending]);
    },
  };
}

export function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    // The data URL's media type may itself hold commas (codecs=vp8,opus): the payload follows ';base64,'.
    reader.onload = () => {
      const url = String(reader.result);
      const marker = url.indexOf(';base64,');
      if (marker < 0) reject(new Error('the recording could not be encoded'));
      else resolve(url.slice(marker + ';base64,'.length));
    };
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the recording'));
    reader.readAsDataURL(blob);
  });
}
