import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/policy';
import { createSessionClock } from '../signals/session-clock';
import { openStore } from '../storage/store';
import { checkStartGate, engineHostCapabilities } from './exam-gates';
import { createLiveApi } from './live-api';
import { processesOfThisTest } from '../signals/testing/own-processes';

const SSH = { SSH_CONNECTION: '203.0.113.7 52011 192.0.2.10 22' };
/** Sessions that start without the camera and microphone models: the gates are what is tested. */
const LIGHT = { detectors: { face: false, audio: false, identity: false } };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const gate = (policy: unknown, env: NodeJS.ProcessEnv, host: 'node' | 'electron-utility' = 'node') => checkStartGate({ policy: parsePolicy(policy), host, env, clock: createSessionClock(), listProcesses: processesOfThisTest });

describe('the start gate', () => {
  it('refuses a remote session when the policy says refuse_to_start, and says what to do', async () => {
    const { preflight } = await gate({ os: { remoteSession: 'refuse_to_start' } }, SSH);
    expect(preflight.mayStart).toBe(false);
    expect(preflight.findings.find((f) => f.id === 'remote_session')).toMatchObject({ verdict: 'refuse', summary: 'remote session: ssh', fix: expect.stringMatching(/^sit the exam at the computer itself/) });
  });

  it('lets it start with a warning line and a remote_session signal when the policy says warn', async () => {
    const result = await gate({ os: { remoteSession: 'warn' } }, SSH);
    expect(result.preflight.mayStart).toBe(true);
    expect(result.warnings).toContain('Start check (remote_session): remote session: ssh; the exam policy lets the exam start with a warning.');
    expect(result.signals).toContainEqual(expect.objectContaining({ type: 'remote_session', kinds: ['ssh'] }));
  });

  it('refuses in the browser shell when the policy requires a keyboard lock, which only the desktop app holds', async () => {
    const { preflight } = await gate({ os: { keyboardLock: 'required' } }, {});
    expect(preflight.mayStart).toBe(false);
    expect(preflight.findings.find((f) => f.id === 'keyboard_lock')).toMatchObject({ verdict: 'refuse', fix: 'sit the exam in the Vigil desktop app' });
    // In Electron the lockdown judges the lock it really started, so the engine leaves it out.
    expect((await gate({ os: { keyboardLock: 'required' } }, {}, 'electron-utility')).preflight.findings.map((f) => f.id)).not.toContain('keyboard_lock');
  });

  it('names Wayland as the reason the X11 lock cannot reach', () => {
    const lock = engineHostCapabilities('node', { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' }).keyboardLock;
    expect(lock).toMatchObject({ ok: false, reason: expect.stringMatching(/Wayland session \(wayland-0\): the X11 lock cannot hold the compositor's shortcuts/) });
  });
});

describe('the gates during the exam', () => {
  it('a VNC server started mid-exam becomes remote_session and prohibited_process alerts in the report (engine in Electron)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-gates-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const store = openStore(join(home, 'vigil.db'));
    cleanups.push(() => store.close());
    // In the browser shell the shell watches programs itself (app/browser-shell/exam-signals.ts); here the engine runs in Electron.
    const api = createLiveApi({ store, env: { VIGIL_HOME: home, VIGIL_ALLOW_UNSIGNED: '1' }, listProcesses: processesOfThisTest, host: 'electron-utility' });
    expect(await api['policy.parse']({ text: JSON.stringify(LIGHT), source: 'light.json' })).toMatchObject({ ok: true });
    const { sessionId } = await api['session.start']({});

    // A copy of sleep named x11vnc, as a candidate might start a VNC server to let someone watch.
    const exe = join(home, 'x11vnc');
    copyFileSync('/bin/sleep', exe);
    const vnc: ChildProcess = spawn(exe, ['60'], { stdio: 'ignore' });
    cleanups.push(() => vnc.kill('SIGKILL'));
    await once(vnc, 'spawn');
    await new Promise((r) => setTimeout(r, 4500)); // two polls of the 2 s watch

    const finished = await api['session.finish']({ sessionId });
    expect(finished.alerts).toContainEqual(expect.objectContaining({ type: 'remote_session', severity: 'critical' }));
    expect(finished.alerts).toContainEqual(expect.objectContaining({ type: 'prohibited_process', severity: 'critical' }));
  });

  it('a second session.start while one runs is refused, and the first goes on', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-gates-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const store = openStore(join(home, 'vigil.db'));
    cleanups.push(() => store.close());
    const api = createLiveApi({ store, env: { VIGIL_HOME: home, VIGIL_ALLOW_UNSIGNED: '1' }, listProcesses: processesOfThisTest });
    expect(await api['policy.parse']({ text: JSON.stringify(LIGHT), source: 'light.json' })).toMatchObject({ ok: true });
    const { sessionId } = await api['session.start']({});
    await expect(api['session.start']({})).rejects.toMatchObject({ code: 'session_running' });
    await expect(api['session.calibrate']({ sessionId })).resolves.toMatchObject({ status: 'SKIPPED' });
    await api['session.finish']({ sessionId });
    await expect(api['session.start']({})).resolves.toMatchObject({ sessionId: expect.any(String) });
  });
});
