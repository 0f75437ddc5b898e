import { describe, expect, it } from 'vitest';
import type { SignalEvent } from './events';
import { OsPolicy, prohibitedRules } from './os-policy';
import { runPreflight } from './preflight';
import { DEFAULT_PROHIBITED } from './prohibited-processes';
import { createSessionClock } from './session-clock';

const local = async () => [{ pid: 999_999, name: 'bash', exe: '/bin/bash', command: 'bash' }];

describe('the OS preflight', () => {
  it('refuses to start in an SSH session under the default policy, saying why', async () => {
    const events: SignalEvent[] = [];
    const result = await runPreflight({ clock: createSessionClock(), sink: (e) => events.push(e), env: { SSH_CONNECTION: '192.0.2.1 1 192.0.2.2 22' }, listProcesses: local });
    expect(result.mayStart).toBe(false);
    expect(result.findings.find((f) => f.id === 'remote_session')).toMatchObject({ verdict: 'refuse', summary: 'remote session: ssh' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'remote_session', kinds: ['ssh'] }));
  });

  it('lets the exam start when the policy allows remote sessions', async () => {
    const policy = OsPolicy.parse({ remoteSession: 'allow', virtualMachine: 'allow' });
    const result = await runPreflight({ policy, clock: createSessionClock(), sink: () => undefined, env: { SSH_CONNECTION: 'x' }, listProcesses: local });
    expect(result.findings.find((f) => f.id === 'remote_session')?.verdict).toBe('ok');
    expect(result.mayStart).toBe(true);
  });

  it('refuses when a required keyboard lock is unavailable, and only warns when it is best effort', async () => {
    const host = { keyboardLock: { ok: false as const, reason: 'no X display (DISPLAY is not set)', fix: 'run in an X11 session' } };
    const required = await runPreflight({ policy: OsPolicy.parse({ keyboardLock: 'required' }), clock: createSessionClock(), sink: () => undefined, env: {}, host, listProcesses: local });
    expect(required.findings.find((f) => f.id === 'keyboard_lock')).toMatchObject({ verdict: 'refuse', summary: 'keyboard lock unavailable: no X display (DISPLAY is not set)', fix: 'run in an X11 session' });
    expect(required.mayStart).toBe(false);
    const best = await runPreflight({ clock: createSessionClock(), sink: () => undefined, env: {}, host, listProcesses: local });
    expect(best.findings.find((f) => f.id === 'keyboard_lock')?.verdict).toBe('warn');
  });

  it('refuses under refuse_to_start while a prohibited program runs', async () => {
    const list = async () => [{ pid: 4_000_001, name: 'obs', exe: '/usr/bin/obs', command: 'obs' }];
    const result = await runPreflight({ policy: OsPolicy.parse({ prohibitedProcesses: 'refuse_to_start' }), clock: createSessionClock(), sink: () => undefined, env: {}, listProcesses: list });
    expect(result.findings.find((f) => f.id === 'prohibited_processes')).toMatchObject({ verdict: 'refuse', summary: 'prohibited: obs (refuse_to_start)', fix: 'quit obs' });
  });

  it('takes allowed programs off the list and adds the exam’s own', () => {
    const rules = prohibitedRules(OsPolicy.parse({ allowedProcesses: ['zoom'], extraProhibited: [{ pattern: 'chatgpt*', category: 'cheating_tool' }] }), DEFAULT_PROHIBITED);
    expect(rules.map((r) => r.pattern)).not.toContain('zoom');
    expect(rules).toContainEqual({ pattern: 'chatgpt*', category: 'cheating_tool' });
  });

  it('rejects an unknown policy value, naming the field', () => {
    const result = OsPolicy.safeParse({ prohibitedProcesses: 'shout' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['prohibitedProcesses']);
  });
});
