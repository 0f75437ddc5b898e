import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateVision } from './eval';
import { samplePath } from './test-images';

describe('vigil eval vision on a folder holding only some data sets', () => {
  it('measures the objects it finds, per class with n, and reports the missing folders as skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-vision-'));
    mkdirSync(join(dir, 'objects', 'images'), { recursive: true });
    mkdirSync(join(dir, 'objects', 'labels'), { recursive: true });
    copyFileSync(samplePath('screenshot-faceid.jpg'), join(dir, 'objects', 'images', 'portrait.jpg'));
    // One person: the portrait at x 14-154, y 141-281 of the 800x564 screenshot (YOLO: class cx cy w h, normalised).
    writeFileSync(join(dir, 'objects', 'labels', 'portrait.txt'), `0 ${84 / 800} ${211 / 564} ${140 / 800} ${140 / 564}\n`);
    const result = await evaluateVision(dir);
    expect(result.missing).toEqual(expect.arrayContaining(['gaze-video', 'cheating', 'identity']));
    expect(result.identity).toMatchObject({ eer: null, pairs: 0 });
    expect((result.identity as { skipped: string }).skipped).toMatch(/liveness-seq: missing/);
    const objects = result.objects as { split: string; perClass: Record<string, { precision: number | null; recall: number | null; n: number }>; ece: number | null; threshold: number };
    expect(objects.split).toMatch(/whole folder/);
    expect(objects.threshold).toBe(0.7);
    expect(Object.keys(objects.perClass)).toEqual(['person', 'cell phone', 'book', 'laptop']);
    expect(objects.perClass.person!.n).toBe(1);
    expect(objects.perClass['cell phone']!.n).toBe(0);
    expect(objects.perClass.person!).toHaveProperty('recallAtFloor');
    // A foreign folder is measured whole with the committed fusion (the live detector), never fitted on.
    const fused = (objects as unknown as { detector: string; detectors: { fused: { fusion: { source: string }; development?: unknown }; fusedWithMovenet: { skipped?: string }; 'movenet-multipose': { heldOut: { perClass: Record<string, { n: number; detections: number }>; personCount: { images: number } } } } });
    expect(fused.detector).toMatch(/fused/);
    expect(fused.detectors.fused.fusion.source).toBe('models/calibration/fusion.json');
    expect(fused.detectors.fused.development).toBeUndefined();
    // MoveNet MultiPose beside the others, on the same image: it finds the portrait's one person; with no
    // development images there is nothing to fit its fusion on, and it says so rather than fitting on held-out.
    const movenet = fused.detectors['movenet-multipose'].heldOut;
    expect(movenet.perClass.person!.n).toBe(1);
    expect(movenet.perClass.person!.detections).toBe(1);
    expect(movenet.personCount.images).toBe(1);
    expect(fused.detectors.fusedWithMovenet.skipped).toMatch(/no development images/);
  }, 240_000);
});
