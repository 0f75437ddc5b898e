import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy/policy';
import { openStore } from '../storage/store';
import { samplePath } from '../vision/test-images';
import { analyzeFile } from './analyze-file';

const dir = mkdtempSync(join(tmpdir(), 'vigil-analyze-file-'));
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

/**
 * A real face (the portrait in @vladmandic/human's face-id sample, cropped and enlarged) for 12 s; the same photo
 * beside its mirror image 12-15 s; alone again 15-18 s; the face cut out (grey) 18-22 s; alone 22-26 s.
 */
let clip: string;
beforeAll(() => {
  const face = join(dir, 'face.png');
  ffmpeg('-i', samplePath('screenshot-faceid.jpg'), '-vf', 'crop=140:142:16:140,scale=420:426', face);
  clip = join(dir, 'exam.mp4');
  const input = (seconds: number) => ['-loop', '1', '-t', String(seconds), '-i', face];
  ffmpeg(...input(12), ...input(3), ...input(3), ...input(4), ...input(4),
    '-filter_complex',
    '[0]pad=840:426:210:0,setsar=1[a];[1]split[p][q];[q]hflip[r];[p][r]hstack,setsar=1[b];[2]pad=840:426:210:0,setsar=1[c];' +
      '[3]pad=840:426:210:0,drawbox=x=0:y=0:w=840:h=426:color=gray:t=fill,setsar=1[d];[4]pad=840:426:210:0,setsar=1[e];[a][b][c][d][e]concat=n=5:v=1[v]',
    '-map', '[v]', '-r', '12', '-pix_fmt', 'yuv420p', clip);
});

describe('analyzeFile on real media', () => {
  it('finds the second face and the missing face at their seconds, flags the interval and keeps its clip', async () => {
    const store = openStore(join(dir, 'vigil.db'));
    const report = await analyzeFile(clip, { policy: defaultPolicy(), store, studentId: 'st-7' });
    expect(report.calibration.status).toBe('SUCCESS');
    const faces = report.alerts.find((a) => a.type === 'multiple_faces');
    expect(faces, JSON.stringify(report.alerts)).toBeDefined();
    expect(faces!.severity).toBe('critical');
    expect(faces!.start).toBeGreaterThanOrEqual(12);
    expect(faces!.start).toBeLessThanOrEqual(13.5);
    expect(faces!.end).toBeGreaterThan(14.5);
    expect(faces!.end).toBeLessThan(15.6);
    const gone = report.alerts.find((a) => a.type === 'no_face');
    expect(gone, JSON.stringify(report.alerts)).toBeDefined();
    expect(gone!.start).toBeGreaterThanOrEqual(18);
    expect(gone!.start).toBeLessThan(18.6);
    expect(gone!.end).toBeGreaterThan(21.5);
    expect(gone!.end).toBeLessThan(22.6);
    expect(report.alerts.filter((a) => a.start < 12).map((a) => a.type)).toEqual([]);
    expect(report.intervals[0]).toMatchObject({ flagged: true });
    expect(report.segments).toHaveLength(1);
    expect(store.segments.read(report.segments[0]!.id).byteLength).toBe(report.segments[0]!.size);
    expect(report.notes).toContain('no audio stream: speech and voice detectors did not run');
    expect(store.frameFeatures.list(report.sessionId).length).toBe(report.media.framesAnalysed);
  });

  it('analyses audio without video: speech from espeak-ng becomes a speech alert', async () => {
    const wav = join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', join(dir, 'raw.wav'), 'The answer to question three is forty two, and the answer to question four is seven.']);
    ffmpeg('-f', 'lavfi', '-t', '2', '-i', 'anullsrc=r=16000:cl=mono', '-i', join(dir, 'raw.wav'), '-f', 'lavfi', '-t', '2', '-i', 'anullsrc=r=16000:cl=mono', '-filter_complex', '[1]aresample=16000[s];[0][s][2]concat=n=3:v=0:a=1', '-ac', '1', wav);
    const report = await analyzeFile(wav, { policy: defaultPolicy() });
    expect(report.media).toMatchObject({ video: false, audio: true, framesAnalysed: 0 });
    expect(report.calibration.status).toBe('SKIPPED');
    const speech = report.alerts.filter((a) => a.type === 'speech');
    expect(speech.length).toBeGreaterThanOrEqual(1);
    expect(speech[0]!.start).toBeGreaterThan(1.5);
    expect(speech[0]!.start).toBeLessThan(2.8);
    expect(report.timeline.some((s) => (s.speech ?? 0) > 0.5)).toBe(true);
    expect(report.notes).toContain('no video stream: face, gaze and object detectors did not run');
  });

  it('raises visible_text while a page is held up beside the faces, and not before; a policy without the text detector does not run it', async () => {
    const page = join(dir, 'page-clip.mp4');
    // 848x480 like the gaze clips: the group photo alone 0-4 s, with part of a menu screenshot beside it 4-8 s.
    ffmpeg('-loop', '1', '-t', '8', '-i', samplePath('samples.jpg'), '-loop', '1', '-t', '8', '-i', samplePath('screenshot-menu.png'),
      '-filter_complex', "[0]scale=848:480,setsar=1[f];[1]crop=300:200:0:0,scale=360:-1[p];[f][p]overlay=470:140:enable='gte(t,4)'[v]",
      '-map', '[v]', '-r', '12', '-pix_fmt', 'yuv420p', page);
    const features: { t: number; text: number | null }[] = [];
    const report = await analyzeFile(page, { policy: defaultPolicy(), onRow: (r) => void features.push({ t: r.t, text: r.text }) });
    const text = report.alerts.filter((a) => a.type === 'visible_text');
    expect(text, JSON.stringify(report.alerts.map((a) => a.type))).toHaveLength(1);
    expect(text[0]!.start).toBeGreaterThanOrEqual(4);
    expect(text[0]!.start).toBeLessThanOrEqual(6.1);
    expect(features.filter((f) => f.text !== null && f.t < 4).every((f) => f.text! < 0.7)).toBe(true);
    const off = defaultPolicy();
    off.detectors.text = false;
    const rows: (number | null)[] = [];
    const quiet = await analyzeFile(page, { policy: off, onRow: (r) => void rows.push(r.text) });
    expect(quiet.alerts.filter((a) => a.type === 'visible_text')).toEqual([]);
    expect(rows.every((v) => v === null)).toBe(true);
  });

  it("raises gaze_away while the eyes are turned with the head still, and not before; gaze_h follows the eyes' side", async () => {
    // The face-id portrait looking at the camera 0-8 s (the calibration window), then a face from the
    // screenshot-facematch.jpg grid (row 3, column 6: facing the camera, eyes well to the image's right, as
    // pipeline.test.ts checks) 8-11 s, its mirror image (eyes to the left) 11-14 s, the portrait again 14-15 s.
    const eyes = join(dir, 'eyes-turned.mp4');
    const portrait = ['-loop', '1', '-i', samplePath('screenshot-faceid.jpg')];
    const grid = ['-loop', '1', '-i', samplePath('screenshot-facematch.jpg')];
    ffmpeg(...portrait, ...grid, ...grid, ...portrait,
      '-filter_complex',
      '[0]trim=duration=8,crop=140:142:16:140,scale=420:426,setsar=1[a];[1]trim=duration=3,crop=105:106:641:620,scale=420:426,setsar=1[b];' +
        '[2]trim=duration=3,crop=105:106:641:620,scale=420:426,hflip,setsar=1[c];[3]trim=duration=1,crop=140:142:16:140,scale=420:426,setsar=1[d];' +
        '[a][b][c][d]concat=n=4:v=1,pad=840:426:210:0[v]',
      '-map', '[v]', '-r', '12', '-pix_fmt', 'yuv420p', eyes);
    const rows: { t: number; gazeH: number | null; zone: string }[] = [];
    const report = await analyzeFile(eyes, { policy: defaultPolicy(), onRow: (r) => void rows.push({ t: r.t, gazeH: r.gaze_h, zone: r.gaze_zone }) });
    expect(report.calibration.status).toBe('SUCCESS');
    const away = report.alerts.filter((a) => a.type === 'gaze_away');
    expect(away.length, JSON.stringify(report.alerts.map((a) => [a.type, a.start, a.end]))).toBeGreaterThanOrEqual(1);
    expect(Math.min(...away.map((a) => a.start))).toBeGreaterThanOrEqual(8);
    expect(Math.min(...away.map((a) => a.start))).toBeLessThan(9);
    expect(Math.max(...away.map((a) => a.end))).toBeGreaterThan(13);
    expect(Math.max(...away.map((a) => a.end))).toBeLessThan(14.6);
    const mean = (from: number, to: number) => {
      const values = rows.filter((r) => r.t >= from && r.t < to && r.gazeH !== null).map((r) => r.gazeH!);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    // Eyes to the candidate's left (image right) give gaze_h > 0, the mirror image < 0 (README "Conventions").
    expect(mean(8.5, 11)).toBeGreaterThan(0.25);
    expect(mean(11.5, 14)).toBeLessThan(-0.25);
    expect(rows.filter((r) => r.t >= 8.5 && r.t < 11).every((r) => r.zone === 'left')).toBe(true);
    expect(rows.filter((r) => r.t >= 11.5 && r.t < 14).every((r) => r.zone === 'right')).toBe(true);
  });

  it('fails cleanly on a file that is not media, storing nothing', async () => {
    const store = openStore(join(dir, 'bad.db'));
    const bogus = join(dir, 'exam-notes.mp4');
    execFileSync('sh', ['-c', `head -c 20000 /dev/urandom > ${bogus}`]);
    await expect(analyzeFile(bogus, { policy: defaultPolicy(), store })).rejects.toThrow(/exam-notes\.mp4: not a readable media file/);
    expect(store.sessions.list()).toEqual([]);
  });
});
