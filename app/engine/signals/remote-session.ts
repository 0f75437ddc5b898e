/**
 * Is this session driven from another machine? Evidence from the environment (SSH, XRDP, a Windows RDP
 * session name) and from running remote-desktop servers (VNC, xrdp, RDP clipboard helper, remote-access tools).
 */
import { basename } from 'node:path';
import type { SignalSink } from './events';
import { listProcesses, type ProcessInfo, type ProcessLister } from './process-list';
import type { SessionClock } from './session-clock';
import { repeatingOperation, type SessionOperation } from './session-operation';

export type RemoteKind = 'ssh' | 'rdp' | 'xrdp' | 'vnc' | 'remote_access_tool' | 'macos_screen_sharing';

export interface RemoteSessionAssessment {
  readonly remote: boolean;
  readonly kinds: readonly RemoteKind[];
  readonly evidence: {
    readonly env: Record<string, string>;
    readonly processes: readonly { pid: number; name: string; exe: string | null; kind: RemoteKind }[];
  };
}

const ENV_KINDS: readonly [string, RemoteKind, (value: string) => boolean][] = [
  ['SSH_CONNECTION', 'ssh', () => true],
  ['SSH_CLIENT', 'ssh', () => true],
  ['SSH_TTY', 'ssh', () => true],
  ['XRDP_SESSION', 'xrdp', () => true],
  ['XRDP_SOCKET_PATH', 'xrdp', () => true],
  // Windows names a console session "Console" and a Remote Desktop one "RDP-Tcp#N".
  ['SESSIONNAME', 'rdp', (v) => /^rdp-/i.test(v)],
];

const PROCESS_KINDS: readonly [RegExp, RemoteKind][] = [
  [/^(x11vnc|xvnc|xtigervnc|xtightvnc|x0vncserver|vncserver.*|vncagent|winvnc.*|tvnserver|vino-server|krfb|wayvnc|gnome-remote-desktop.*)$/, 'vnc'],
  [/^(xrdp|xrdp-sesman|xrdp-chansrv)$/, 'xrdp'],
  [/^rdpclip$/, 'rdp'],
  [/^(screensharingd|screensharingagent)$/, 'macos_screen_sharing'],
  [/^(anydesk|teamviewer.*|rustdesk|remoting_host|chrome-remote-desktop-host|dwagent|nxnode|nxagent|meshagent|splashtop.*|parsecd)$/, 'remote_access_tool'],
];

function kindOf(p: ProcessInfo): RemoteKind | null {
  const names = [p.name, p.exe ? basename(p.exe) : ''].map((n) => n.toLowerCase().replace(/\.exe$/, '')).filter(Boolean);
  for (const [pattern, kind] of PROCESS_KINDS) if (names.some((n) => pattern.test(n))) return kind;
  return null;
}

export function assessRemoteSession(env: NodeJS.ProcessEnv, processes: readonly ProcessInfo[]): RemoteSessionAssessment {
  const envEvidence: Record<string, string> = {};
  const kinds = new Set<RemoteKind>();
  for (const [name, kind, applies] of ENV_KINDS) {
    const value = env[name];
    if (value && applies(value)) {
      envEvidence[name] = value;
      kinds.add(kind);
    }
  }
  const found = processes.flatMap((p) => {
    const kind = kindOf(p);
    return kind ? [{ pid: p.pid, name: p.name, exe: p.exe, kind }] : [];
  });
  for (const p of found) kinds.add(p.kind);
  return { remote: kinds.size > 0, kinds: [...kinds], evidence: { env: envEvidence, processes: found } };
}

export async function detectRemoteSession(env: NodeJS.ProcessEnv = process.env, list: ProcessLister = listProcesses): Promise<RemoteSessionAssessment> {
  return assessRemoteSession(env, await list());
}

/** How often the exam repeats the remote-session check: with the process watch, about every 2 s. */
export const REMOTE_POLL_INTERVAL_MS = 2000;

/**
 * The remote-session check repeated during the exam: a `remote_session` event for each kind not reported
 * before (a VNC server started mid-exam, an SSH login found at the start).
 */
export function createRemoteSessionWatch(options: { clock: SessionClock; sink: SignalSink; env: NodeJS.ProcessEnv; list?: ProcessLister; onError?: (error: Error) => void; alreadyReported?: readonly string[] }): SessionOperation<RemoteSessionAssessment> {
  const reported = new Set<string>(options.alreadyReported ?? []);
  return repeatingOperation(
    'remote_session',
    async () => {
      const at = options.clock.now();
      const found = await detectRemoteSession(options.env, options.list);
      const fresh = found.kinds.filter((k) => !reported.has(k));
      for (const k of fresh) reported.add(k);
      if (fresh.length) options.sink({ type: 'remote_session', t: at, kinds: fresh, evidence: { ...found.evidence, allKinds: found.kinds } });
      return found;
    },
    { intervalMs: REMOTE_POLL_INTERVAL_MS, onError: options.onError },
  );
}
