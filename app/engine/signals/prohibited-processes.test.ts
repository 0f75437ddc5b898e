import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignalEvent } from './events';
import { listProcesses } from './process-list';
import { PROCESS_POLL_INTERVAL_MS, ProhibitedRule, createMatcher, createProhibitedProcessWatch, DEFAULT_PROHIBITED } from './prohibited-processes';
import { createSessionClock } from './session-clock';

const dirs: string[] = [];
const children: ChildProcess[] = [];

/** A copy of `sleep` under a prohibited name, as a candidate might run AnyDesk. */
function startImpostor(name: string): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-proc-'));
  dirs.push(dir);
  const exe = join(dir, name);
  copyFileSync('/bin/sleep', exe);
  const child = spawn(exe, ['60'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('prohibited process matching', () => {
  const match = createMatcher(DEFAULT_PROHIBITED);
  it('matches by name, ignoring case and .exe', () => {
    expect(match({ pid: 1, name: 'AnyDesk.exe', exe: null, command: '' })).toMatchObject({ rule: { pattern: 'anydesk', category: 'remote_access' }, matchedOn: 'name' });
    expect(match({ pid: 1, name: 'TeamViewer_Service.exe', exe: null, command: '' })?.rule.category).toBe('remote_access');
    expect(match({ pid: 1, name: 'obs64.exe', exe: null, command: '' })?.rule.category).toBe('screen_capture');
    expect(match({ pid: 1, name: 'VBoxService', exe: null, command: '' })?.rule.category).toBe('virtual_machine');
  });
  it('matches by executable when the process name was changed', () => {
    expect(match({ pid: 1, name: 'notes', exe: '/opt/discord/Discord', command: '' })).toMatchObject({ rule: { category: 'messaging' }, matchedOn: 'executable' });
  });
  it('leaves ordinary programs alone', () => {
    for (const name of ['bash', 'node', 'chromium', 'ffmpeg', 'systemd', 'Xvfb', 'code']) expect(match({ pid: 1, name, exe: `/usr/bin/${name}`, command: '' })).toBeNull();
  });
});

describe('the prohibited process watch, on this machine', () => {
  it('reports a copy of sleep named anydesk at the first scan after it starts, with its evidence', async () => {
    expect(PROCESS_POLL_INTERVAL_MS).toBeLessThanOrEqual(2000);
    const events: SignalEvent[] = [];
    const watch = createProhibitedProcessWatch({ policy: 'warn', clock: createSessionClock(), sink: (e) => events.push(e) });
    const first = await watch.perform();
    const child = startImpostor('anydesk');
    await once(child, 'spawn');
    watch.repeat();
    try {
      // Wait for this process's event: other tests on the machine may run stand-ins of their own.
      const ours = () => events.find((e) => e.type === 'prohibited_process' && e.pid === child.pid);
      for (let i = 0; i < 400 && !ours(); i++) await new Promise((r) => setTimeout(r, 50));
      const event = ours();
      if (event?.type !== 'prohibited_process') throw new Error(`anydesk (pid ${child.pid}) not reported; got ${JSON.stringify(events)}`);
      // Found by the first scan that began after the process started: so within one poll interval plus one scan.
      expect(event.evidence.scan).toBe(first.scan + 1);
      expect(event).toMatchObject({ name: 'anydesk', category: 'remote_access', action: 'warned', evidence: { rule: 'anydesk', policy: 'warn', exe: expect.stringMatching(/anydesk$/) } });
      expect(child.exitCode).toBeNull();
    } finally {
      await watch.revert();
    }
  });

  it('reports each process once, however many scans see it', async () => {
    const events: SignalEvent[] = [];
    const child = startImpostor('rustdesk');
    await once(child, 'spawn');
    const watch = createProhibitedProcessWatch({ policy: 'warn', clock: createSessionClock(), sink: (e) => events.push(e) });
    await watch.perform();
    await watch.perform();
    expect(events.filter((e) => e.type === 'prohibited_process' && e.pid === child.pid)).toHaveLength(1);
  });

  it('terminates it under the terminate policy and says so', async () => {
    const events: SignalEvent[] = [];
    const child = startImpostor('anydesk');
    await once(child, 'spawn');
    const exited = once(child, 'exit');
    // The real listing, narrowed to our impostor: other test files run prohibited-named processes of their own.
    const list = async () => (await listProcesses()).filter((p) => p.pid === child.pid);
    const watch = createProhibitedProcessWatch({ policy: 'terminate', clock: createSessionClock(), sink: (e) => events.push(e), list });
    const result = await watch.perform();
    const [, signal] = await exited;
    expect(signal).toBe('SIGTERM');
    expect(result.events.find((e) => e.pid === child.pid)).toMatchObject({ action: 'terminated', evidence: { termination: { signal: 'SIGTERM' } } });
  });

  it('refuses to start under refuse_to_start while one runs', async () => {
    const child = startImpostor('obs');
    await once(child, 'spawn');
    const watch = createProhibitedProcessWatch({ policy: 'refuse_to_start', clock: createSessionClock(), sink: () => undefined });
    const result = await watch.perform();
    expect(result.mayStart).toBe(false);
    expect(result.events.find((e) => e.pid === child.pid)).toMatchObject({ action: 'refused', category: 'screen_capture' });
  });

  it('reports a process it may not end as terminate_failed instead of throwing', async () => {
    const events: SignalEvent[] = [];
    const fake = { pid: 2 ** 22 + 12345, name: 'teamviewer', exe: null, command: 'teamviewer' };
    const watch = createProhibitedProcessWatch({ policy: 'terminate', clock: createSessionClock(), sink: (e) => events.push(e), list: async () => [fake] });
    await watch.perform();
    expect(events[0]).toMatchObject({ action: 'terminate_failed', evidence: { termination: { error: 'ESRCH' } } });
  });
});

describe('prohibited programs recognised by more than their name', () => {
  const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('finds a renamed copy of a prohibited program by its executable SHA-256, read through /proc/<pid>/exe', async () => {
    // The exam prohibits this program by content; the candidate runs a copy named like a harmless file.
    const rules = [{ sha256: sha256Of('/bin/sleep'), category: 'cheating_tool' as const }];
    const child = startImpostor('lecture-notes');
    await once(child, 'spawn');
    const events: SignalEvent[] = [];
    const scan = await createProhibitedProcessWatch({ policy: 'warn', clock: createSessionClock(), sink: (e) => events.push(e), rules }).perform();
    const finding = scan.findings.find((f) => f.process.pid === child.pid);
    expect(finding).toMatchObject({ matchedOn: 'sha256', sha256: sha256Of('/bin/sleep'), process: { name: 'lecture-notes' } });
    expect(events.find((e) => e.type === 'prohibited_process' && e.pid === child.pid)).toMatchObject({ category: 'cheating_tool', evidence: { matchedOn: 'sha256', rule: `sha256:${sha256Of('/bin/sleep').slice(0, 16)}` } });
    // By name alone (today's default list) the same process is not found.
    expect(createMatcher(DEFAULT_PROHIBITED)({ pid: child.pid!, name: 'lecture-notes', exe: finding!.process.exe, command: '' })).toBeNull();
  });

  it('finds a program by the folder it runs from', async () => {
    const child = startImpostor('helper');
    await once(child, 'spawn');
    const dir = dirs.at(-1)!;
    const scan = await createProhibitedProcessWatch({ policy: 'warn', clock: createSessionClock(), sink: () => undefined, rules: [{ path: `${dir}/*`, category: 'cheating_tool' }] }).perform();
    expect(scan.findings.find((f) => f.process.pid === child.pid)).toMatchObject({ matchedOn: 'path', process: { exe: join(dir, 'helper') } });
  });

  it('refuses a rule with nothing to match on', () => {
    expect(() => ProhibitedRule.parse({ category: 'messaging' })).toThrow(/a rule needs a pattern, a path or a sha256/);
    expect(() => ProhibitedRule.parse({ sha256: 'ABC', category: 'messaging' })).toThrow(/SHA-256/);
  });
});
