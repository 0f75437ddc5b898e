/**
 * The OS side of "may this exam start?": each check performed once, its finding with evidence, and the
 * exam's policy applied to it. A check that cannot run is a finding too (with the reason), never a crash.
 */
import { listDisplays } from './displays';
import type { SignalSink } from './events';
import { defaultOsPolicy, prohibitedRules, type Gate, type Need, type OsPolicy } from './os-policy';
import type { ProcessLister } from './process-list';
import { createProhibitedProcessWatch, DEFAULT_PROHIBITED } from './prohibited-processes';
import { detectRemoteSession } from './remote-session';
import type { SessionClock } from './session-clock';
import { detectVm, VM_SCORE_THRESHOLD } from './vm-detection';

export type Verdict = 'ok' | 'warn' | 'refuse';

export interface PreflightFinding {
  readonly id: 'prohibited_processes' | 'vm' | 'remote_session' | 'displays' | 'keyboard_lock' | 'input_hook';
  readonly verdict: Verdict;
  readonly summary: string;
  readonly evidence: Record<string, unknown>;
  readonly fix?: string;
}

export interface Preflight {
  readonly mayStart: boolean;
  readonly findings: readonly PreflightFinding[];
}

/** What a host could bring up (app/lockdown reports these); missing entries were not attempted. */
export interface HostCapabilities {
  readonly keyboardLock?: { ok: true; mechanism: string; notGrabbed: readonly string[] } | { ok: false; reason: string; fix: string };
  readonly inputHook?: { ok: true } | { ok: false; reason: string; fix: string };
}

const gate = (g: Gate, found: boolean): Verdict => (!found || g === 'allow' ? 'ok' : g === 'warn' ? 'warn' : 'refuse');
const need = (n: Need, works: boolean): Verdict => (works || n === 'off' ? 'ok' : n === 'required' ? 'refuse' : 'warn');

export interface PreflightOptions {
  readonly policy?: OsPolicy;
  readonly clock: SessionClock;
  readonly sink: SignalSink;
  readonly env?: NodeJS.ProcessEnv;
  readonly host?: HostCapabilities;
  readonly listProcesses?: ProcessLister;
}

export async function runPreflight(options: PreflightOptions): Promise<Preflight> {
  const policy = options.policy ?? defaultOsPolicy();
  const env = options.env ?? process.env;
  const findings: PreflightFinding[] = [];

  const watch = createProhibitedProcessWatch({
    policy: policy.prohibitedProcesses, clock: options.clock, sink: options.sink, rules: prohibitedRules(policy, DEFAULT_PROHIBITED), ...(options.listProcesses ? { list: options.listProcesses } : {}),
  });
  try {
    const scan = await watch.perform();
    const remaining = scan.events.filter((e) => e.action !== 'terminated');
    const names = [...new Set(scan.findings.map((f) => f.process.name))];
    findings.push({
      id: 'prohibited_processes',
      verdict: !scan.mayStart ? 'refuse' : remaining.length > 0 ? 'warn' : 'ok',
      summary: names.length ? `prohibited: ${names.join(', ')} (${policy.prohibitedProcesses})` : 'no prohibited program running',
      evidence: { policy: policy.prohibitedProcesses, events: scan.events, scanMs: scan.durationMs },
      ...(remaining.length ? { fix: `quit ${names.join(', ')}` } : {}),
    });
  } catch (error) {
    findings.push({ id: 'prohibited_processes', verdict: 'warn', summary: `processes could not be listed: ${(error as Error).message}`, evidence: {} });
  }

  const vm = await detectVm();
  const isVm = vm.score >= VM_SCORE_THRESHOLD;
  // What the policy allows is not recorded as an event (it would become an alert the exam does not count).
  if (isVm && policy.virtualMachine !== 'allow') options.sink({ type: 'vm_detected', t: options.clock.now(), score: vm.score, evidence: { vendor: vm.vendor, indicators: vm.indicators.filter((i) => i.found) } });
  findings.push({
    id: 'vm', verdict: gate(policy.virtualMachine, isVm), summary: isVm ? `virtual machine (score ${vm.score}${vm.vendor ? `, ${vm.vendor}` : ''})` : `not a virtual machine (score ${vm.score})`, evidence: { ...vm, threshold: VM_SCORE_THRESHOLD, policy: policy.virtualMachine },
    ...(isVm ? { fix: 'sit the exam on a physical computer, not in a virtual machine' } : {}),
  });

  const remote = await detectRemoteSession(env, options.listProcesses);
  if (remote.remote && policy.remoteSession !== 'allow') options.sink({ type: 'remote_session', t: options.clock.now(), kinds: [...remote.kinds], evidence: remote.evidence });
  findings.push({
    id: 'remote_session', verdict: gate(policy.remoteSession, remote.remote), summary: remote.remote ? `remote session: ${remote.kinds.join(', ')}` : 'local session', evidence: { ...remote, policy: policy.remoteSession },
    ...(remote.remote ? { fix: 'sit the exam at the computer itself (not over SSH, RDP or VNC), with no remote-desktop or screen-sharing program running' } : {}),
  });

  const displays = await listDisplays(env);
  if (displays.ok) {
    const many = displays.displays.length > 1;
    if (displays.displays.length === 0) findings.push({ id: 'displays', verdict: 'warn', summary: 'no display found (headless machine or no X display)', evidence: { ...displays, policy: policy.multipleDisplays }, fix: 'run Vigil in a desktop session with one screen' });
    else findings.push({ id: 'displays', verdict: gate(policy.multipleDisplays, many), summary: `${displays.displays.length} display(s)`, evidence: { ...displays, policy: policy.multipleDisplays }, ...(many ? { fix: 'disconnect every screen but one' } : {}) });
  } else {
    findings.push({ id: 'displays', verdict: 'warn', summary: `displays could not be listed: ${displays.error}`, evidence: displays, fix: displays.fix });
  }

  findings.push(...hostFindings(policy, options.host ?? {}));
  return { mayStart: findings.every((f) => f.verdict !== 'refuse'), findings };
}

/**
 * What the host could bring up (keyboard lock, OS keyboard hook) judged by the policy. The engine judges them
 * for the browser shell (which holds neither); Electron's lockdown judges what it really started.
 */
export function hostFindings(policy: OsPolicy, host: HostCapabilities): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const lock = host.keyboardLock;
  if (lock) {
    findings.push(
      lock.ok
        ? { id: 'keyboard_lock', verdict: lock.notGrabbed.length ? need(policy.keyboardLock, false) : 'ok', summary: lock.notGrabbed.length ? `keyboard lock (${lock.mechanism}) could not hold: ${lock.notGrabbed.join(', ')}` : `keyboard lock active (${lock.mechanism})`, evidence: { ...lock, policy: policy.keyboardLock } }
        : { id: 'keyboard_lock', verdict: need(policy.keyboardLock, false), summary: `keyboard lock unavailable: ${lock.reason}`, evidence: { policy: policy.keyboardLock, reason: lock.reason }, fix: lock.fix },
    );
  }
  const hook = host.inputHook;
  if (hook) {
    findings.push(
      hook.ok
        ? { id: 'input_hook', verdict: 'ok', summary: 'OS keyboard hook running', evidence: { policy: policy.inputHook } }
        : { id: 'input_hook', verdict: need(policy.inputHook, false), summary: `OS keyboard hook unavailable: ${hook.reason}`, evidence: { policy: policy.inputHook, reason: hook.reason }, fix: hook.fix },
    );
  }
  return findings;
}

/** One line naming every check that refuses the start and what to do about each, for the refusal's message. */
export function refusalReason(preflight: Preflight): string {
  return preflight.findings
    .filter((f) => f.verdict === 'refuse')
    .map((f) => `${f.summary}${f.fix ? ` (what to do: ${f.fix})` : ''}`)
    .join('; ');
}
