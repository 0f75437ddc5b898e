/**
 * Temporal liveness agrees live and from a file (issue #21): a printed face held up to the camera (the recording
 * of spoof-video.test.ts: a real face photo moved rigidly in front of a wall, fresh sensor noise on every frame)
 * raises the same spoof_suspected through `vigil analyze`'s engine and through a live session fed the same frames
 * the way the candidate app sends them: capture times with a camera's jitter, a frame dropped now and then by the
 * pacer, and up to 12 frames in flight at once.
 *
 * Both halves of the old disagreement fail this spec: liveness evidence was handed over on the side ("the last
 * analysed frame's"), so with frames in flight it was overwritten by the frames after it and most of it never
 * reached the stream; and liveness frames were taken "at least 1 s after the last", which with jitter drifts to
 * fewer frames than the file's one a second.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openFrames } from '../media/frames';
import { defaultPolicy } from '../policy/policy';
import type { Report } from '../report/report';
import { analyzeFile } from '../session/analyze-file';
import { createSessionClock } from '../signals/session-clock';
import { openStore } from '../storage/store';
import { samplePath } from '../vision/test-images';
import { loadFrameAnalyzer } from './frame-analyzer';
import { LiveSession } from './live-session';

const dir = mkdtempSync(join(tmpdir(), 'vigil-live-liveness-'));
const SECONDS = 26;
const FPS = 12;
/** The candidate app's pacer keeps at most this many frames waiting for their answer (live-rate, #20). */
const IN_FLIGHT = 12;
let printed: string;

beforeAll(() => {
  printed = join(dir, 'printed-face.mp4');
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `color=c=0x9a8f80:s=640x480:r=${FPS}:d=${SECONDS}`,
    '-loop', '1', '-t', String(SECONDS), '-i', samplePath('screenshot-faceid.jpg'),
    '-filter_complex',
    "[1]crop=140:142:16:140,scale=220:224,rotate='0.05*sin(2*PI*t/6)':c=0x9a8f80[face];[0][face]overlay=x='210+50*sin(2*PI*t/7)':y='120+20*sin(2*PI*t/5)':shortest=1,noise=alls=10:allf=t,setsar=1[v]",
    '-map', '[v]', '-r', String(FPS), '-t', String(SECONDS), '-pix_fmt', 'yuv420p', printed,
  ]);
});

/** A camera's capture times: a frame every 1/12 s, 0-35 ms late (deterministic), every 9th frame dropped. */
const captureTime = (i: number) => i / FPS + ((i * 7919) % 36) / 1000;
const dropped = (i: number) => i % 9 === 4;

/** The live session's report on the recording, its frames pushed as the candidate app's pacer would. */
async function liveReport(): Promise<Report> {
  const analyzer = await loadFrameAnalyzer();
  if (!analyzer.available) throw new Error(analyzer.reason);
  analyzer.analyzer.reset();
  const state = { sec: 0 };
  const clock = createSessionClock({ originNs: 0n, monotonic: () => BigInt(Math.round(state.sec * 1e9)), wall: () => 1_700_000_000_000 + state.sec * 1000 });
  const store = openStore(join(dir, 'live.db'));
  const live = new LiveSession({ policy: defaultPolicy(), analyzer, store, workDir: dir, clock, watchWallClock: false });
  const source = await openFrames(printed, FPS);
  const waiting: Promise<unknown>[] = [];
  let i = 0;
  for await (const frame of source.frames) {
    const index = i++;
    if (dropped(index)) continue;
    const t = captureTime(index);
    state.sec = Math.max(state.sec, t + 0.05);
    waiting.push(live.pushFrame({ ...frame, t, index }));
    if (waiting.length >= IN_FLIGHT) await waiting.shift();
  }
  await Promise.all(waiting);
  const report = await live.finish();
  store.close();
  return report;
}

const spoofAlerts = (r: Report) => r.alerts.filter((a) => a.type === 'spoof_suspected').map((a) => ({ start: a.start, end: a.end, windows: (a.evidence.windowScores as unknown[]).length }));

describe('temporal liveness live and from a file', () => {
  it('raises the same spoof_suspected live, with frames in flight and a jittery camera, as vigil analyze on the recording', async () => {
    const file = await analyzeFile(printed, { policy: defaultPolicy() });
    const fileSpoof = spoofAlerts(file);
    expect(fileSpoof.length, JSON.stringify(file.alerts)).toBeGreaterThan(0);
    const live = await liveReport();
    const liveSpoof = spoofAlerts(live);
    // One liveness frame a second both ways: 26 evidence frames, windows starting at 0, 6 and 12.
    expect(live.liveness?.windows, JSON.stringify(live.liveness)).toBe(file.liveness?.windows);
    expect(liveSpoof.map((a) => a.windows)).toEqual(fileSpoof.map((a) => a.windows));
    liveSpoof.forEach((a, k) => {
      expect(Math.abs(a.start - fileSpoof[k]!.start)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(a.end - fileSpoof[k]!.end)).toBeLessThanOrEqual(0.5);
    });
    expect(live.liveness?.verdict).toBe(file.liveness?.verdict);
  }, 400_000);
});
