import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessRemoteSession, detectRemoteSession } from './remote-session';

describe('remote session detection', () => {
  it('names an SSH login from its environment, with the variables as evidence', () => {
    const a = assessRemoteSession({ SSH_CONNECTION: '203.0.113.5 50122 198.51.100.7 22', HOME: '/root' }, []);
    expect(a).toMatchObject({ remote: true, kinds: ['ssh'], evidence: { env: { SSH_CONNECTION: '203.0.113.5 50122 198.51.100.7 22' } } });
    expect(a.evidence.env).not.toHaveProperty('HOME');
  });
  it('names a Windows Remote Desktop session but not the console', () => {
    expect(assessRemoteSession({ SESSIONNAME: 'RDP-Tcp#3' }, []).kinds).toEqual(['rdp']);
    expect(assessRemoteSession({ SESSIONNAME: 'Console' }, []).remote).toBe(false);
  });
  it('names XRDP from its session variables', () => {
    expect(assessRemoteSession({ XRDP_SESSION: '1' }, []).kinds).toEqual(['xrdp']);
  });

  it('finds a running VNC server on this machine by its executable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-remote-'));
    const exe = join(dir, 'x11vnc');
    copyFileSync('/bin/sleep', exe);
    const child = spawn(exe, ['60'], { stdio: 'ignore' });
    await once(child, 'spawn');
    try {
      const a = await detectRemoteSession({});
      expect(a.kinds).toContain('vnc');
      expect(a.evidence.processes).toContainEqual({ pid: child.pid, name: 'x11vnc', exe, kind: 'vnc' });
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a local session as not remote, with empty evidence', async () => {
    const a = await detectRemoteSession({ PATH: process.env.PATH ?? '' }, async () => [{ pid: 1, name: 'bash', exe: '/bin/bash', command: 'bash' }]);
    expect(a).toEqual({ remote: false, kinds: [], evidence: { env: {}, processes: [] } });
  });
});
