/**
 * Prohibited programs: a default list by category, matched against each process's name and executable, and a
 * watch that performs the scan, repeats it about every 2 s and applies the exam's policy (warn, refuse to
 * start, terminate). Each finding carries the process and the rule that matched it.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import type { ProcessPolicy, ProhibitedCategory, SignalSink, SignalOf } from './events';
import { ProhibitedCategory as Category } from './events';
import { commandOf, hashExecutable, listProcesses, type ExecutableHasher, type ProcessInfo, type ProcessLister } from './process-list';
import type { SessionClock } from './session-clock';
import { repeatingOperation, type SessionOperation } from './session-operation';

export const ProhibitedRule = z
  .object({
    /** Lower-case name; `*` matches any run of characters. Matched without a trailing .exe / .app. */
    pattern: z.string().min(1).optional(),
    /** The executable's full path, `*` as above (e.g. `/opt/obs/*`): where the OS tells it (/proc/<pid>/exe on Linux). */
    path: z.string().min(1).optional(),
    /** The executable file's SHA-256: a copy under any name, anywhere, is still the same program. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 as 64 lower-case hex digits').optional(),
    category: Category,
  })
  .refine((r) => r.pattern !== undefined || r.path !== undefined || r.sha256 !== undefined, 'a rule needs a pattern, a path or a sha256');
export type ProhibitedRule = z.infer<typeof ProhibitedRule>;

const rules = (category: ProhibitedCategory, patterns: string[]): ProhibitedRule[] => patterns.map((pattern) => ({ pattern, category }));

export const DEFAULT_PROHIBITED: readonly ProhibitedRule[] = [
  ...rules('remote_access', [
    'anydesk', 'teamviewer*', 'rustdesk', 'vnc*', '*vncserver', 'x11vnc', 'xvnc', 'x0vncserver', 'winvnc*', 'tvnserver', 'tightvnc*',
    'ultravnc*', 'chrome-remote-desktop*', 'remoting_host', 'parsec*', 'splashtop*', 'srserver', 'logmein*', 'ammyy*', 'supremo*',
    'screenconnect*', 'dwagent', 'nxserver', 'nxnode', 'nxplayer', 'meshagent', 'remmina', 'xrdp', 'xrdp-sesman', 'mstsc', 'quickassist',
  ]),
  ...rules('screen_capture', [
    'obs', 'obs64', 'obs32', 'obs-studio', 'simplescreenrecorder', 'kazam', 'vokoscreen*', 'peek', 'recordmydesktop', 'gpu-screen-recorder',
    'camtasia*', 'bandicam*', 'sharex', 'snagit*', 'screenpresso', 'flameshot', 'shutter', 'loom', 'screenrec',
  ]),
  ...rules('messaging', [
    'discord*', 'slack', 'telegram*', 'signal-desktop', 'signal', 'whatsapp*', 'skype*', 'teams', 'ms-teams', 'zoom', 'zoom.us',
    'element*', 'viber', 'wechat', 'weixin', 'messenger', 'thunderbird',
  ]),
  ...rules('virtual_machine', [
    'vboxservice', 'vboxtray', 'vboxclient', 'vmtoolsd', 'vmwaretray', 'vmwareuser', 'vmware-tray', 'vmacthlp', 'prl_tools*', 'prl_cc',
    'qemu-ga', 'xenservice', 'vmsrvc', 'vmusrvc', 'spice-vdagent*',
  ]),
  ...rules('cheating_tool', ['cluely', 'interviewcoder', 'interview-coder']),
];

/** How often the watch repeats by default: the issue's "about every 2 s". */
export const PROCESS_POLL_INTERVAL_MS = 2000;

export interface ProhibitedFinding {
  readonly process: ProcessInfo;
  readonly rule: ProhibitedRule;
  /** name: the process name; executable: the executable's file name; path: its full path; sha256: its content. */
  readonly matchedOn: 'name' | 'executable' | 'path' | 'sha256';
  /** The executable's SHA-256, when a rule asked for it. */
  readonly sha256?: string;
}

/** How a rule is named in evidence. */
export function ruleLabel(rule: ProhibitedRule): string {
  return rule.pattern ?? rule.path ?? `sha256:${rule.sha256!.slice(0, 16)}`;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.(exe|app)$/, '');
}

function compile(pattern: string, caseSensitive = false): RegExp {
  const escaped = (caseSensitive ? pattern : pattern.toLowerCase()).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/**
 * Matches processes against the rules: by content (sha256, when a rule names one and `hashOf` can read the
 * executable), by full path, then by name and executable file name.
 */
export function createMatcher(list: readonly ProhibitedRule[] = DEFAULT_PROHIBITED, hashOf: ExecutableHasher = hashExecutable): (p: ProcessInfo) => ProhibitedFinding | null {
  const compiled = list.map((rule) => ({ rule, name: rule.pattern ? compile(rule.pattern) : null, path: rule.path ? compile(rule.path, true) : null }));
  const byHash = list.filter((r) => r.sha256 !== undefined);
  return (p) => {
    const exePath = p.exe ? p.exe.replace(/ \(deleted\)$/, '') : null;
    if (byHash.length) {
      const sha256 = hashOf(p);
      const rule = sha256 ? byHash.find((r) => r.sha256 === sha256) : undefined;
      if (rule && sha256) return { process: p, rule, matchedOn: 'sha256', sha256 };
    }
    const name = normalise(p.name);
    const exe = exePath ? normalise(basename(exePath)) : null;
    for (const { rule, name: byName, path } of compiled) {
      if (path && exePath && path.test(exePath)) return { process: p, rule, matchedOn: 'path' };
      if (byName?.test(name)) return { process: p, rule, matchedOn: 'name' };
      if (byName && exe && byName.test(exe)) return { process: p, rule, matchedOn: 'executable' };
    }
    return null;
  };
}

export interface ScanResult {
  readonly scan: number;
  readonly at: number;
  readonly durationMs: number;
  readonly findings: readonly ProhibitedFinding[];
  /** False when the policy is refuse_to_start and something prohibited runs. */
  readonly mayStart: boolean;
  readonly events: readonly SignalOf<'prohibited_process'>[];
}

export interface ProhibitedProcessWatchOptions {
  readonly policy: ProcessPolicy;
  readonly clock: SessionClock;
  readonly sink: SignalSink;
  readonly list?: ProcessLister;
  readonly rules?: readonly ProhibitedRule[];
  /** Processes never reported (Vigil itself). */
  readonly ignorePids?: readonly number[];
  /** A scan that could not list processes while repeating; the watch keeps going. */
  readonly onScanError?: (error: Error) => void;
}

async function terminate(pid: number): Promise<{ ok: true; signal: string } | { ok: false; error: string }> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    return { ok: false, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
  for (let i = 0; i < 20 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!alive()) return { ok: true, signal: 'SIGTERM' };
  try {
    process.kill(pid, 'SIGKILL');
    return { ok: true, signal: 'SIGKILL' };
  } catch (error) {
    return { ok: false, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
}

/**
 * perform(): one scan; each prohibited process is reported once per pid, and under `terminate` it is ended.
 * repeat(): scans every PROCESS_POLL_INTERVAL_MS until revert().
 */
export function createProhibitedProcessWatch(options: ProhibitedProcessWatchOptions): SessionOperation<ScanResult> {
  const list = options.list ?? listProcesses;
  const match = createMatcher(options.rules ?? DEFAULT_PROHIBITED);
  const ignored = new Set([process.pid, ...(options.ignorePids ?? [])]);
  const reported = new Set<number>();
  let scans = 0;

  async function perform(): Promise<ScanResult> {
    const scan = ++scans;
    const started = Date.now();
    const processes = await list();
    const durationMs = Date.now() - started;
    const findings = processes.filter((p) => !ignored.has(p.pid)).map(match).filter((f): f is ProhibitedFinding => f !== null);
    const events: SignalOf<'prohibited_process'>[] = [];
    for (const finding of findings) {
      const { process: p, rule, matchedOn, sha256 } = finding;
      if (reported.has(p.pid)) continue;
      reported.add(p.pid);
      const evidence: Record<string, unknown> = { exe: p.exe, command: commandOf(p), rule: ruleLabel(rule), matchedOn, ...(sha256 ? { sha256 } : {}), scan, scanMs: durationMs, policy: options.policy };
      let action: SignalOf<'prohibited_process'>['action'] = options.policy === 'refuse_to_start' && scan === 1 ? 'refused' : 'warned';
      if (options.policy === 'terminate') {
        const outcome = await terminate(p.pid);
        action = outcome.ok ? 'terminated' : 'terminate_failed';
        evidence.termination = outcome.ok ? { signal: outcome.signal } : { error: outcome.error };
      }
      const event: SignalOf<'prohibited_process'> = { type: 'prohibited_process', t: options.clock.at(started), name: p.name, pid: p.pid, category: rule.category, action, evidence };
      events.push(event);
      options.sink(event);
    }
    const present = new Set(processes.map((p) => p.pid));
    for (const pid of reported) if (!present.has(pid)) reported.delete(pid); // a reused pid is a new finding
    return { scan, at: options.clock.at(started), durationMs, findings, mayStart: !(options.policy === 'refuse_to_start' && findings.length > 0), events };
  }

  return repeatingOperation('prohibited_processes', perform, { intervalMs: PROCESS_POLL_INTERVAL_MS, onError: options.onScanError });
}
