import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../../engine/report/report';
import { samplePath } from '../../engine/vision/test-images';

const dir = mkdtempSync(join(tmpdir(), 'vigil-analyze-report-'));
const bin = join(import.meta.dirname, '..', 'vigil.mjs');
const vigil = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: dir } });

describe('vigil analyze: reports', () => {
  it('writes the report as JSON and HTML, stores it, and prints a summary', () => {
    const clip = join(dir, 'short.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-t', '8', '-i', samplePath('screenshot-faceid.jpg'), '-vf', 'crop=140:142:16:140,scale=420:426,setsar=1', '-r', '12', '-pix_fmt', 'yuv420p', clip]);
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const run = vigil('analyze', clip, '--student', 'st-3', '--exam', 'bio', '--calibration-seconds', '6', '--out', json, '--html', html);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/risk CLEAN 0\.00 \| calibration SUCCESS \| 0 alert\(s\)/);
    const report = Report.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report).toMatchObject({ studentId: 'st-3', examId: 'bio', calibration: { seconds: 6 } });
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('CLEAN');
    expect(vigil('reports', 'list', '--student', 'st-3').stdout).toMatch(/st-3\s+bio\s+CLEAN/);
  });

  it('rejects an invalid policy naming the file, the field and the rule, and writes nothing', () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ intervals: { flagThreshold: -3 } }));
    const out = join(dir, 'never.json');
    const run = vigil('analyze', samplePath('screenshot-faceid.jpg'), '--config', policy, '--out', out);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^vigil: .*policy\.json: intervals\.flagThreshold: /);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a calibration length outside 6-10 s as a usage error', () => {
    const run = vigil('analyze', samplePath('screenshot-faceid.jpg'), '--calibration-seconds', '3');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('vigil: --calibration-seconds: must be 0 (skip) or from 6 to 10, not "3"\n');
  });
});
