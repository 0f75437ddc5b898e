/**
 * End to end through `vigil analyze`'s engine (analyzeFile): a printed face held up to a camera, made here by
 * ffmpeg from a real face photo shipped in @vladmandic/human (its face-id screenshot) moved rigidly - turning a
 * little, shifting - in front of a plain wall with fresh sensor noise on every frame, raises spoof_suspected from
 * the temporal liveness stream, with its window scores as evidence.
 * A real face video would be the other half: the repository holds none (every face in it is a photo), so that
 * half is measured by `vigil eval liveness` (realVideos: the gaze-video clips in the evaluation data).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy/policy';
import { analyzeFile } from '../session/analyze-file';
import { samplePath } from '../vision/test-images';

const dir = mkdtempSync(join(tmpdir(), 'vigil-liveness-e2e-'));
let printed: string;

beforeAll(() => {
  printed = join(dir, 'printed-face.mp4');
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'color=c=0x9a8f80:s=640x480:r=12:d=26',
    '-loop', '1', '-t', '26', '-i', samplePath('screenshot-faceid.jpg'),
    '-filter_complex',
    "[1]crop=140:142:16:140,scale=220:224,rotate='0.05*sin(2*PI*t/6)':c=0x9a8f80[face];[0][face]overlay=x='210+50*sin(2*PI*t/7)':y='120+20*sin(2*PI*t/5)':shortest=1,noise=alls=10:allf=t,setsar=1[v]",
    '-map', '[v]', '-r', '12', '-t', '26', '-pix_fmt', 'yuv420p', printed,
  ]);
});

describe('temporal liveness end to end', () => {
  it('raises spoof_suspected on a printed face moved rigidly in front of the camera', async () => {
    const policy = defaultPolicy();
    const report = await analyzeFile(printed, { policy: { ...policy, processingFps: 4 } });
    expect(report.liveness, JSON.stringify(report.notes)).toBeDefined();
    // 26 s at one liveness frame a second: answers at 12 and 24 frames, windows starting at 0, 6 and 12.
    expect(report.liveness!.windows).toBe(3);
    expect(report.liveness!.verdict).toBe('spoof');
    const spoof = report.alerts.find((a) => a.type === 'spoof_suspected');
    expect(spoof, JSON.stringify(report.alerts)).toBeDefined();
    expect(spoof!.severity).toBe('critical');
    const windows = spoof!.evidence.windowScores as { liveScore: number; confidence: number }[];
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) {
      expect(w.liveScore).toBeLessThan(report.liveness!.threshold);
      expect(w.confidence).toBeGreaterThanOrEqual(0.5);
    }
    expect(report.timeline.some((s) => typeof s.livenessScore === 'number')).toBe(true);
  }, 240_000);
});
