import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displaysCheck, inputHookCheck, keyboardLockCheck, prohibitedProcessesCheck, remoteSessionCheck, runChecks, vmCheck } from '../doctor/checks';
import { startXvfb, type XServer } from './testing/x-server';

const OS_CHECKS = ['vm', 'prohibited_processes', 'displays', 'remote_session', 'input_hook', 'keyboard_lock', 'camera', 'microphone'];

describe('vigil doctor --json', () => {
  it('lists the OS checks, each with a status and its evidence', () => {
    const bin = fileURLToPath(new URL('../../cli/vigil.mjs', import.meta.url));
    const home = mkdtempSync(join(tmpdir(), 'vigil-doctor-'));
    const result = spawnSync(process.execPath, [bin, 'doctor', '--json'], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: home } });
    rmSync(home, { recursive: true, force: true });
    const report = JSON.parse(result.stdout) as { checks: { id: string; status: string; summary: string; evidence: object }[] };
    const os = report.checks.filter((c) => OS_CHECKS.includes(c.id));
    expect(os.map((c) => c.id).sort()).toEqual([...OS_CHECKS].sort());
    for (const c of os) {
      expect(['ok', 'warn']).toContain(c.status);
      expect(c.summary.length).toBeGreaterThan(0);
      expect(Object.keys(c.evidence).length).toBeGreaterThan(0);
    }
  });
});

describe('OS doctor checks', () => {
  let server: XServer;
  beforeAll(async () => {
    server = await startXvfb();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('counts the one Xvfb display as ok', async () => {
    const [result] = await runChecks([displaysCheck], server.env);
    expect(result).toMatchObject({ id: 'displays', status: 'ok', evidence: { count: 1, source: 'xrandr', display: server.display } });
  });

  it('warns naming an unreachable display', async () => {
    const [result] = await runChecks([displaysCheck], { ...process.env, DISPLAY: ':4999' });
    expect(result).toMatchObject({ id: 'displays', status: 'warn', summary: expect.stringContaining(':4999') });
  });

  it('warns about a prohibited program running, naming it and its executable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-doctor-'));
    const exe = join(dir, 'teamviewer');
    copyFileSync('/bin/sleep', exe);
    const child = spawn(exe, ['60'], { stdio: 'ignore' });
    await once(child, 'spawn');
    try {
      const [result] = await runChecks([prohibitedProcessesCheck]);
      expect(result).toMatchObject({ status: 'warn', summary: expect.stringContaining('teamviewer'), fix: expect.stringContaining('quit teamviewer') });
      expect(result?.evidence.found).toContainEqual({ pid: child.pid, name: 'teamviewer', exe, category: 'remote_access', rule: 'teamviewer*', matchedOn: 'name' });
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns about an SSH session with the variable as evidence', async () => {
    const [result] = await runChecks([remoteSessionCheck], { SSH_CONNECTION: '192.0.2.1 4000 192.0.2.2 22' });
    // Other test files may run remote-access impostors at the same time, so more kinds may show up.
    expect(result).toMatchObject({ status: 'warn', evidence: { env: { SSH_CONNECTION: '192.0.2.1 4000 192.0.2.2 22' } } });
    expect(result?.evidence.kinds).toContain('ssh');
  });

  it('finds the keyboard lock and the input hook ready on the Xvfb display', async () => {
    const results = await runChecks([keyboardLockCheck, inputHookCheck], server.env);
    expect(results).toMatchObject([
      { id: 'keyboard_lock', status: 'ok', evidence: { mechanism: 'x11', display: server.display } },
      { id: 'input_hook', status: 'ok', evidence: { module: 'uiohook-napi' } },
    ]);
  });

  it('says clearly that neither can work without an X display', async () => {
    const results = await runChecks([keyboardLockCheck, inputHookCheck], { PATH: process.env.PATH ?? '' });
    expect(results).toMatchObject([
      { id: 'keyboard_lock', status: 'warn', summary: expect.stringContaining('DISPLAY is not set') },
      { id: 'input_hook', status: 'warn', summary: expect.stringContaining('DISPLAY is not set') },
    ]);
  });

  it('explains its virtual machine verdict with the score and the indicators', async () => {
    const [result] = await runChecks([vmCheck]);
    const evidence = result?.evidence as { score: number; threshold: number; indicators: { found: boolean }[] };
    expect(result?.status).toBe(evidence.score >= evidence.threshold ? 'warn' : 'ok');
    expect(evidence.indicators.length).toBeGreaterThanOrEqual(4);
  });
});
