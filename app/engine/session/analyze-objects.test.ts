/**
 * End to end on real photos: a phone held up in front of the candidate and a second person coming into the frame,
 * through `analyzeFile` (ffmpeg decoding, the whole vision pipeline with the fused object detectors (CenterNet + NanoDet, models/calibration/fusion.json), the rules,
 * the report). No stand-ins: the candidate is the portrait in @vladmandic/human's face-id sample; the phone is a
 * handset drawn by ImageMagick whose screen is that same screenshot (no npm package ships a photo of a phone); the
 * second person is the man at the table in @vladmandic/human's samples.jpg, partly in frame at the bottom right.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy/policy';
import { openStore } from '../storage/store';
import { samplePath } from '../vision/test-images';
import { analyzeFile } from './analyze-file';

const dir = mkdtempSync(join(tmpdir(), 'vigil-analyze-objects-'));
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
const magick = (...args: string[]) => execFileSync('convert', args);

/** 0-10 s the candidate alone; 10-13 s a phone held up; 13-16 s alone; 16-20 s a second person at the edge; 20-23 s alone. */
let clip: string;
beforeAll(() => {
  const p = (name: string) => join(dir, name);
  ffmpeg('-i', samplePath('screenshot-faceid.jpg'), '-vf', 'crop=140:140:14:141,scale=480:480,pad=640:480:0:0:0x2a2a2a', p('alone.png'));
  magick(samplePath('screenshot-faceid.jpg'), '-resize', '118x230!', p('screen.png'));
  magick('-size', '130x260', 'xc:none', '-fill', '#0a0a0a', '-draw', 'roundrectangle 0,0 129,259 16,16', p('screen.png'), '-geometry', '+6+15', '-composite',
    '-fill', '#333333', '-draw', 'circle 65,7 67,7', '-background', 'none', '-rotate', '5', p('phone.png'));
  magick(p('alone.png'), p('phone.png'), '-geometry', '+60+180', '-composite', p('phone-held.png'));
  ffmpeg('-i', samplePath('samples.jpg'), '-vf', 'crop=210:160:327:0,scale=315:240', p('man.png'));
  ffmpeg('-i', p('alone.png'), '-i', p('man.png'), '-filter_complex', '[0][1]overlay=325:240', p('second-person.png'));
  clip = p('exam.mp4');
  const still = (file: string, seconds: number) => ['-loop', '1', '-t', String(seconds), '-i', p(file)];
  ffmpeg(...still('alone.png', 10), ...still('phone-held.png', 3), ...still('alone.png', 3), ...still('second-person.png', 4), ...still('alone.png', 3),
    '-filter_complex', '[0][1][2][3][4]concat=n=5:v=1,setsar=1[v]', '-map', '[v]', '-r', '12', '-pix_fmt', 'yuv420p', clip);
});

describe('objects and people in a recorded exam', () => {
  it('raises prohibited_object for the phone with its class, calibrated confidence and box, and the person alert for the second person', async () => {
    const store = openStore(join(dir, 'vigil.db'));
    const report = await analyzeFile(clip, { policy: defaultPolicy(), store, studentId: 'st-objects' });
    const phone = report.alerts.find((a) => a.type === 'prohibited_object' && a.evidence.object === 'phone');
    expect(phone, JSON.stringify(report.alerts)).toBeDefined();
    expect(phone!.severity).toBe('critical');
    expect(phone!.start).toBeGreaterThanOrEqual(10);
    expect(phone!.end).toBeLessThan(13.6);
    expect(phone!.evidence.class).toBe('cell phone');
    const confidence = phone!.evidence.confidence as number;
    expect(confidence).toBeGreaterThan(defaultPolicy().rules.objectConfidence);
    expect(confidence).toBeLessThanOrEqual(1);
    // The box, normalised to the frame, where the phone was pasted: x 60-210 of 640, y 180-450 of 480.
    const [x, y, w, h, c] = phone!.evidence.box as number[];
    expect(x! * 640).toBeGreaterThan(40);
    expect((x! + w!) * 640).toBeLessThan(230);
    expect(y! * 480).toBeGreaterThan(160);
    expect((y! + h!) * 480).toBeLessThan(470);
    expect(c).toBeCloseTo(confidence, 2);

    const people = report.alerts.filter((a) => a.type === 'multiple_faces');
    expect(people.length, JSON.stringify(report.alerts)).toBeGreaterThan(0);
    for (const a of people) {
      expect(a.start).toBeGreaterThanOrEqual(16);
      expect(a.end).toBeLessThan(20.6);
    }
    // Nothing before the phone: the candidate alone is one person and holds nothing.
    expect(report.alerts.filter((a) => a.start < 10 && ['prohibited_object', 'multiple_faces'].includes(a.type))).toEqual([]);
    store.close();
    // A 23 s clip through the whole pipeline: about 10 s on a quiet machine.
  }, 240_000);
});
