/**
 * Evidence for an analysed file: clips cut from the source with ffmpeg (re-encoded, so a clip starts cleanly at
 * its first frame whatever the source's keyframes), as fragmented MP4 so it streams out of ffmpeg's stdout.
 */
import { runTool } from '../media/tool-process';
import type { EvidenceClip, EvidenceRecorder } from '../ports';

export function fileEvidenceRecorder(path: string, durationSec: number, hasVideo: boolean): EvidenceRecorder {
  return {
    clip(start, end) {
      const from = Math.max(0, start);
      const to = Math.min(durationSec, end);
      if (to <= from) return Promise.resolve(null);
      const args = ['-v', 'error', '-ss', from.toFixed(3), '-i', path, '-t', (to - from).toFixed(3)];
      const out = hasVideo
        ? [...args, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', 'pipe:1']
        : [...args, '-vn', '-c:a', 'aac', '-b:a', '64k', '-f', 'adts', 'pipe:1'];
      return runTool('ffmpeg', out, { timeoutMs: 120_000 }).then((run): EvidenceClip => {
        if (run.code !== 0) {
          const reason = run.signal ? 'ffmpeg took more than 120 s' : run.stderr.trim().split('\n').at(-1) || `ffmpeg exited with ${run.code}`;
          throw new Error(`${path}: cannot cut evidence ${from.toFixed(1)}-${to.toFixed(1)} s (${reason})`);
        }
        return { bytes: new Uint8Array(run.stdout), mime: hasVideo ? 'video/mp4' : 'audio/aac', start: from, end: to };
      });
    },
  };
}
