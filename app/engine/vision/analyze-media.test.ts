import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { samplePath } from './test-images';
import type { RgbFrame } from '../media/frames';
import { pipelined } from './analyze-media';
import type { VisionResult } from './pipeline';
import { emptyFrame } from '../features/schema';

async function* frames(n: number): AsyncGenerator<RgbFrame> {
  for (let i = 0; i < n; i++) yield { width: 1, height: 1, data: new Uint8Array(3), t: i, index: i };
}

const result = (frame: RgbFrame): VisionResult => ({ features: emptyFrame(frame.t, frame.index), faces: [], objects: null, detectorRan: false });

describe('pipelined', () => {
  it('yields results in frame order when later frames finish first, with at most `depth` unanswered', async () => {
    let open = 0;
    let most = 0;
    const slowFirst = (frame: RgbFrame) => {
      open++;
      most = Math.max(most, open);
      return new Promise<VisionResult>((resolve) => setTimeout(() => (open--, resolve(result(frame))), (10 - frame.index) * 3));
    };
    const order: number[] = [];
    for await (const r of pipelined(frames(10), slowFirst, 4)) order.push(r.features.frame_index);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(4);
  });

  it('hands each frame back only once its result is in, so its memory can be reused', async () => {
    const answered = new Set<number>();
    const process = (frame: RgbFrame) => new Promise<VisionResult>((resolve) => setTimeout(() => (answered.add(frame.index), resolve(result(frame))), (6 - frame.index) * 2));
    const handedBack: number[] = [];
    const early: number[] = [];
    const done = (frame: RgbFrame) => {
      if (!answered.has(frame.index)) early.push(frame.index);
      handedBack.push(frame.index);
    };
    for await (const r of pipelined(frames(6), process, 3, done)) void r;
    expect(early).toEqual([]);
    expect(handedBack).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('passes on the first failure in order, and does not leave later failures unhandled', async () => {
    const failing = (frame: RgbFrame) => (frame.index >= 2 ? Promise.reject(new Error(`frame ${frame.index} broke`)) : Promise.resolve(result(frame)));
    const seen: number[] = [];
    const run = async () => {
      for await (const r of pipelined(frames(6), failing, 4)) seen.push(r.features.frame_index);
    };
    await expect(run()).rejects.toThrow('frame 2 broke');
    expect(seen).toEqual([0, 1]);
  });
});

describe('mediaFeatures', () => {
  // Worker threads keep a process alive: a stream whose models were never released would hang its command.
  const runScript = (body: string) => {
    const source = fileURLToPath(new URL('./analyze-media.ts', import.meta.url));
    const script = `import { mediaFeatures } from ${JSON.stringify(source)};\n${body}`;
    return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  };
  const clip = join(mkdtempSync(join(tmpdir(), 'vigil-media-features-')), 'one-second.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-t', '1', '-i', samplePath('screenshot-faceid.jpg'), '-vf', 'scale=320:-2', '-r', '12', '-pix_fmt', 'yuv420p', clip]);

  it('releases its models when closed without a single row pulled, so the process can exit', () => {
    const run = runScript(`const s = mediaFeatures(${JSON.stringify(clip)}); await s.close(); await s.close(); console.log('closed');`);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('closed');
  });

  it('releases them by itself once every row has been pulled', () => {
    const run = runScript(`const s = mediaFeatures(${JSON.stringify(clip)}); let n = 0; for await (const r of s.rows) n++; console.log(n, s.size().width);`);
    expect(run.status, run.stderr).toBe(0);
    const [rows, width] = run.stdout.trim().split(' ').map(Number);
    expect(rows).toBeGreaterThanOrEqual(12);
    expect(width).toBe(320);
  });
});
