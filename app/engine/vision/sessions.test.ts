import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openModels } from './sessions';

const dir = mkdtempSync(join(tmpdir(), 'vigil-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openModels', () => {
  it('converts the models first when the folder has none, as on a fresh clone, then runs them', async () => {
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    const { liveness } = await openModels(['liveness'], { dir });
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    expect(existsSync(join(dir, 'blazeface.onnx'))).toBe(true);
    expect(liveness.inputSize).toEqual([32, 32, 3]);
    const out = await liveness.run(new Float32Array(32 * 32 * 3).fill(0.5));
    const probs = out[liveness.entry.outputs[0]!.name]!;
    expect(probs).toHaveLength(2);
    expect(probs[0]! + probs[1]!).toBeCloseTo(1, 4);
    await liveness.release();
  });
});
