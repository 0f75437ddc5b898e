import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { samplePath } from './test-images';
import type { RgbFrame } from '../media/frames';
import { pipelined, pullAhead } from './analyze-media';
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

describe('pullAhead', () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  async function* counted(n: number, log: { pulled: number; closed: boolean }, failAt = -1): AsyncGenerator<number> {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error(`item ${i} broke`);
        log.pulled++;
        yield i;
      }
    } finally {
      log.closed = true;
    }
  }

  it('pulls up to its limit before anyone reads, then waits for room', async () => {
    const log = { pulled: 0, closed: false };
    const ahead = pullAhead(counted(100, log), 5);
    await settle();
    expect(log.pulled).toBe(5);
    const first = await ahead.items.next();
    await settle();
    expect(first.value).toBe(0);
    expect(log.pulled).toBe(6);
    await ahead.stop();
    expect(log.closed).toBe(true);
  });

  it('gives every item in order, then the failure where it happened', async () => {
    const log = { pulled: 0, closed: false };
    const seen: number[] = [];
    const read = async () => {
      for await (const v of pullAhead(counted(10, log, 7), 3).items) seen.push(v);
    };
    await expect(read()).rejects.toThrow('item 7 broke');
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('ends the source when the reader leaves early or nobody reads at all', async () => {
    const early = { pulled: 0, closed: false };
    for await (const v of pullAhead(counted(100, early), 4).items) if (v === 2) break;
    expect(early.closed).toBe(true);
    const unread = { pulled: 0, closed: false };
    const ahead = pullAhead(counted(100, unread), 4);
    await ahead.stop();
    expect(unread.closed).toBe(true);
    expect(unread.pulled).toBeLessThanOrEqual(4);
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

  it('analysing ahead, gives the same rows and still releases its models when closed unread', () => {
    const run = runScript(
      `const rows = async (ahead) => { const s = mediaFeatures(${JSON.stringify(clip)}, { ahead }); const out = []; for await (const r of s.rows) out.push(JSON.stringify(r)); return out; };\n` +
        `const [now, later] = [await rows(600), await rows(0)]; const unread = mediaFeatures(${JSON.stringify(clip)}, { ahead: 600 });\n` +
        `await new Promise((r) => setTimeout(r, 500)); await unread.close(); console.log(now.length, now.join() === later.join());`,
    );
    expect(run.status, run.stderr).toBe(0);
    const [rows, same] = run.stdout.trim().split(' ');
    expect(Number(rows)).toBeGreaterThanOrEqual(12);
    expect(same).toBe('true');
  });

  it('releases them by itself once every row has been pulled', () => {
    const run = runScript(`const s = mediaFeatures(${JSON.stringify(clip)}); let n = 0; for await (const r of s.rows) n++; console.log(n, s.size().width);`);
    expect(run.status, run.stderr).toBe(0);
    const [rows, width] = run.stdout.trim().split(' ').map(Number);
    expect(rows).toBeGreaterThanOrEqual(12);
    expect(width).toBe(320);
  });
});
