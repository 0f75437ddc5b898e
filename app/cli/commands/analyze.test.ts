import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, FEATURE_COLUMNS } from '../../engine/features/schema';
import { samplePath } from '../../engine/vision/test-images';

const dir = mkdtempSync(join(tmpdir(), 'vigil-analyze-'));
const bin = join(import.meta.dirname, '..', 'vigil.mjs');

function vigil(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, VIGIL_HOME: dir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const column = (csv: string, name: string) => csv.trim().split('\n').slice(1).map((line) => line.split(',')[FEATURE_COLUMNS.indexOf(name as (typeof FEATURE_COLUMNS)[number])]);

let clip: string;
beforeAll(() => {
  // Two seconds of the face-id sample photo, then one second of the five-portrait one: real faces, known counts.
  clip = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-t', '2', '-i', samplePath('screenshot-faceid.jpg'), '-loop', '1', '-t', '1', '-i', samplePath('screenshot-facedetect.jpg'),
    '-filter_complex', '[0]pad=800:718:0:77,setsar=1[a];[1]setsar=1[b];[a][b]concat=n=2:v=1[v]', '-map', '[v]', '-r', '24', '-pix_fmt', 'yuv420p', clip]);
});

describe('vigil analyze', () => {
  it('writes one row per frame at 12 fps with the schema header, face counts and head pose', async () => {
    const out = join(dir, 'features.csv');
    const r = await vigil('analyze', clip, '--features', out);
    expect(r.stderr).not.toMatch(/vigil: /);
    expect(r.code).toBe(0);
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\n')[0]).toBe(CSV_HEADER);
    const t = column(csv, 't').map(Number);
    expect(t.length).toBeGreaterThanOrEqual(35);
    expect(t.length).toBeLessThanOrEqual(37);
    expect(t[12]).toBeCloseTo(1, 3);
    const faces = column(csv, 'face_count').map(Number);
    expect(faces.slice(0, 20).every((n) => n === 1)).toBe(true);
    expect(faces.slice(-6).every((n) => n === 5)).toBe(true);
    expect(column(csv, 'yaw').slice(0, 20).every((v) => v !== '' && Math.abs(Number(v)) < 10)).toBe(true);
    expect(new Set(column(csv, 'gaze_zone').slice(0, 20))).toEqual(new Set(['center']));
  });

  it('analyses an image as one frame at t = 0', async () => {
    const out = join(dir, 'image.csv');
    const r = await vigil('analyze', samplePath('screenshot-faceid.jpg'), '--features', out);
    expect(r.code).toBe(0);
    const csv = readFileSync(out, 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(2);
    expect(column(csv, 't')).toEqual(['0']);
    expect(column(csv, 'face_count')).toEqual(['1']);
  });

  it('says in one line that a file is missing, corrupt or empty, and keeps the old CSV', async () => {
    const out = join(dir, 'keep.csv');
    writeFileSync(out, 'precious\n');
    const missing = await vigil('analyze', join(dir, 'nope.mp4'), '--features', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n').filter((l) => l.startsWith('vigil: '))).toEqual([`vigil: ${join(dir, 'nope.mp4')}: no such file`]);

    const corrupt = join(dir, 'corrupt.mp4');
    writeFileSync(corrupt, 'this is not a video');
    const bad = await vigil('analyze', corrupt, '--features', out);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^vigil: .*corrupt\.mp4: not a readable media file/m);

    const empty = join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    const none = await vigil('analyze', empty, '--features', out);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^vigil: .*empty\.mp4: the file is empty$/m);

    expect(readFileSync(out, 'utf8')).toBe('precious\n');
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses a bad --fps as a usage error', async () => {
    const r = await vigil('analyze', clip, '--fps', 'fast');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vigil: --fps: must be a number/m);
  });
});
