/**
 * The exam's start conditions, held by the engine in both shells: before a session starts, the OS checks
 * (prohibited programs, virtual machine, remote session, displays, and what the host can lock) are judged by the
 * policy's `os` section, and a `refuse_to_start` finding refuses the start with what to do. While the session
 * runs the same checks repeat and their findings become the session's signals (alerts in the report).
 */
import type { EngineHost } from '../api';
import type { ExamPolicy } from '../policy/policy';
import { createDisplayWatch } from '../signals/displays';
import { x11LockUnreachable } from '../signals/display-server';
import type { SignalEvent, SignalSink } from '../signals/events';
import { prohibitedRules } from '../signals/os-policy';
import { runPreflight, type HostCapabilities, type Preflight } from '../signals/preflight';
import { listProcesses, sharedLister, type ProcessLister } from '../signals/process-list';
import { createProhibitedProcessWatch, DEFAULT_PROHIBITED } from '../signals/prohibited-processes';
import { createRemoteSessionWatch } from '../signals/remote-session';
import type { SessionClock } from '../signals/session-clock';
import type { SessionOperation } from '../signals/session-operation';


/**
 * What the host holds, as far as the engine can tell. The browser shell holds no keyboard lock and no OS key hook,
 * so a policy that requires them refuses there; in Electron the lockdown (main process) judges what it really
 * started, and the engine leaves those two to it.
 */
export function engineHostCapabilities(host: EngineHost, env: NodeJS.ProcessEnv): HostCapabilities {
  if (host === 'electron-utility') return {};
  const fix = 'sit the exam in the Vigil desktop app';
  const unreachable = x11LockUnreachable(env);
  return {
    keyboardLock: { ok: false, reason: `the browser shell does not lock the keyboard${unreachable ? `; ${unreachable.reason}` : ''}`, fix },
    inputHook: { ok: false, reason: 'the browser shell does not observe OS key combos', fix },
  };
}

export interface GateOptions {
  readonly policy: ExamPolicy;
  readonly host: EngineHost;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: SessionClock;
  readonly listProcesses?: ProcessLister;
}

export interface StartGate {
  readonly preflight: Preflight;
  /** Signals the checks raised (remote session, VM, prohibited programs), for the session's record. */
  readonly signals: readonly SignalEvent[];
  /** The report's lines for findings the policy lets through with a warning. */
  readonly warnings: readonly string[];
}

/** The start checks, once. Nothing is refused here; the caller reads `preflight.mayStart`. */
export async function checkStartGate(options: GateOptions): Promise<StartGate> {
  const signals: SignalEvent[] = [];
  const preflight = await runPreflight({
    policy: options.policy.os, clock: options.clock, sink: (e) => signals.push(e), env: options.env, host: engineHostCapabilities(options.host, options.env),
    ...(options.listProcesses ? { listProcesses: options.listProcesses } : {}),
  });
  const warnings = preflight.findings.filter((f) => f.verdict === 'warn').map((f) => `Start check (${f.id}): ${f.summary}; the exam policy lets the exam start with a warning.`);
  return { preflight, signals, warnings };
}

/**
 * The checks repeated while the session runs (about every 2 s): prohibited programs (warned or terminated, never
 * refused mid-exam), remote sessions, displays. Their signals go to `sink`; revert() stops them.
 */
export function startExamWatch(options: GateOptions & { sink: SignalSink; onError?: (error: Error) => void; alreadyReported?: readonly SignalEvent[] }): { revert(): Promise<void> } {
  const { policy, clock, sink, env, onError } = options;
  // What the start check already reported is not reported again (a program is one finding per process).
  const before = options.alreadyReported ?? [];
  const ignorePids = before.flatMap((e) => (e.type === 'prohibited_process' ? [e.pid] : []));
  const knownKinds = before.flatMap((e) => (e.type === 'remote_session' ? e.kinds : []));
  // Both checks of a pass read one listing of the processes.
  const list = { list: sharedLister(options.listProcesses ?? listProcesses, 1000) };
  const operations: SessionOperation<unknown>[] = [
    // The browser shell watches programs itself (app/browser-shell/exam-signals.ts, which outlives an engine
    // restart); in Electron the engine does.
    ...(options.host === 'node' ? [] : [createProhibitedProcessWatch({ policy: policy.os.prohibitedProcesses === 'refuse_to_start' ? 'warn' : policy.os.prohibitedProcesses, clock, sink, rules: prohibitedRules(policy.os, DEFAULT_PROHIBITED), ignorePids, onScanError: onError, ...list })]),
    // A policy that allows remote sessions (an exam held over one) is not told of them mid-exam either.
    ...(policy.os.remoteSession === 'allow' ? [] : [createRemoteSessionWatch({ clock, sink, env, onError, alreadyReported: knownKinds, ...list })]),
    // Linux without an X display has no screen to count (the start check said so); asking systeminformation
    // instead every 2 s would run lspci and friends for nothing.
    ...(process.platform !== 'linux' || env.DISPLAY ? [createDisplayWatch({ clock, sink, env: () => env })] : []),
  ];
  for (const op of operations) op.repeat();
  return {
    async revert() {
      await Promise.all(operations.map((op) => op.revert()));
    },
  };
}
