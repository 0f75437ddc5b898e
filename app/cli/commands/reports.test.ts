import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFrame } from '../../engine/features/schema';
import { defaultPolicy } from '../../engine/policy/policy';
import { analyzeRecording } from '../../engine/session/analyze-recording';
import { openStore } from '../../engine/storage/store';

const bin = join(import.meta.dirname, '..', 'vigil.mjs');
const home = mkdtempSync(join(tmpdir(), 'vigil-reports-'));
const vigil = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: home } });

describe('vigil reports', () => {
  it('lists stored reports filtered by student and exam, and shows one as JSON or HTML', async () => {
    const store = openStore(join(home, 'vigil.db'));
    const frames = Array.from({ length: 240 }, (_, i) => ({ ...emptyFrame(i / 12, i), face_count: i > 100 && i < 130 ? 0 : 1, yaw: 1, pitch: 1, roll: 0, gaze_zone: 'center' as const }));
    await analyzeRecording({ source: 'a.mp4', durationSec: 20, hasVideo: true, hasAudio: false, frames }, { policy: defaultPolicy(), store, studentId: 'alice', examId: 'math' });
    await analyzeRecording({ source: 'b.mp4', durationSec: 20, hasVideo: true, hasAudio: false, frames: [] }, { policy: defaultPolicy(), store, studentId: 'bob', examId: 'math' });
    store.close();

    const all = JSON.parse(vigil('reports', 'list', '--json').stdout) as { id: number; studentId: string }[];
    expect(all.map((r) => r.studentId)).toEqual(['bob', 'alice']);
    const alice = vigil('reports', 'list', '--student', 'alice');
    expect(alice.stdout).toMatch(/alice\s+math\s+\S+ 0\.\d\d\s+a\.mp4/);
    expect(alice.stdout).not.toMatch(/bob/);

    const id = String(all.find((r) => r.studentId === 'alice')!.id);
    const shown = JSON.parse(vigil('reports', 'show', id).stdout) as { alerts: { type: string }[] };
    expect(shown.alerts.map((a) => a.type)).toContain('no_face');
    const html = join(home, 'r.html');
    expect(vigil('reports', 'show', id, '--html', html).status).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/<svg[\s\S]*no_face/);
  });

  it('says a missing report does not exist, with exit 1', () => {
    const result = vigil('reports', 'show', '999');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('vigil: report 999: does not exist (see `vigil reports list`)\n');
  });
});
