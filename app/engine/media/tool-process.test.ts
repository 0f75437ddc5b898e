import { describe, expect, it } from 'vitest';
import { lightSpawn } from '../../../native/light-spawn';
import { runTool, startTool, type DirectRead } from './tool-process';

/** ffmpeg's own test pattern, 64x48 RGB, 30 frames: real decoder output without a file. */
const TEST_PATTERN = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=3', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
const BYTES = 64 * 48 * 3 * 30;

/** Reads a tool's whole output through `onread` into one buffer, `step` bytes at most per read. */
async function readDirect(launcher: 'auto' | 'fork', step: number): Promise<Uint8Array> {
  // Room for one byte more: the read that finds the end needs somewhere to read into.
  const all = new Uint8Array(BYTES + 1);
  let filled = 0;
  const direct: DirectRead = { buffer: () => all.subarray(filled, Math.min(all.length, filled + step)), callback: (n) => ((filled += n), true) };
  const tool = startTool('ffmpeg', TEST_PATTERN, direct, launcher);
  await new Promise((resolve) => tool.stdout.once('close', resolve));
  expect(await tool.exited).toEqual({ code: 0, signal: null });
  expect(filled).toBe(BYTES);
  return all.subarray(0, BYTES);
}

const native = process.platform !== 'win32';

describe('startTool', () => {
  it.runIf(native)('launches with posix_spawn on this OS (the addon is built)', () => {
    expect(lightSpawn()).not.toBeNull();
  });

  it.runIf(native)("writes nothing again into the engine's memory: touching 64 MB after a launch costs no page faults", async () => {
    const memory = Buffer.alloc(64 * 1024 * 1024, 1);
    const touch = () => {
      for (let i = 0; i < memory.length; i += 4096) memory[i]! += 1;
    };
    touch();
    await startTool('true', []).exited;
    const before = process.resourceUsage().minorPageFault;
    touch();
    // A fork() would have made all 16,384 pages copy-on-write: each write above a fault.
    expect(process.resourceUsage().minorPageFault - before).toBeLessThan(500);
  });

  it('gives the same bytes through posix_spawn as through child_process, read straight into the caller\'s buffer', async () => {
    const forked = await readDirect('fork', 4096);
    const light = await readDirect('auto', 1000);
    expect(Buffer.from(light).equals(Buffer.from(forked))).toBe(true);
    expect(forked.some((b) => b !== 0)).toBe(true);
  });

  it('rejects with ENOENT for a tool that is not on PATH, with either launcher', async () => {
    for (const launcher of ['auto', 'fork'] as const) {
      await expect(startTool('vigil-no-such-tool', [], undefined, launcher).exited).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('kill() ends the tool at once and closes its output', async () => {
    for (const launcher of ['auto', 'fork'] as const) {
      const tool = startTool('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc', '-f', 'rawvideo', 'pipe:1'], undefined, launcher);
      tool.stdout.resume();
      await new Promise((resolve) => setTimeout(resolve, 200));
      tool.kill();
      expect(await tool.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(tool.stdout.destroyed).toBe(true);
    }
  });
});

describe('runTool', () => {
  it('collects stdout, the start of stderr and the exit code', async () => {
    for (const launcher of ['auto', 'fork'] as const) {
      const ok = await runTool('ffprobe', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=1', '-show_entries', 'stream=width,height', '-of', 'csv=p=0'], { launcher });
      expect({ code: ok.code, out: ok.stdout.toString().trim() }).toEqual({ code: 0, out: '320,240' });
      const bad = await runTool('ffprobe', ['-v', 'error', '/nonexistent/exam.mp4'], { launcher });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/No such file/);
    }
  });

  it('kills a tool that outlives its timeout', async () => {
    const run = await runTool('sleep', ['5'], { timeoutMs: 100 });
    expect(run.signal).toBe('SIGKILL');
  });
});
