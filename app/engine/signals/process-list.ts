/**
 * The running processes, by name and executable. On Linux straight from /proc: exact (the executable comes
 * from /proc/<pid>/exe, which a renamed copy cannot hide) and fresh on every call. Elsewhere from
 * systeminformation, whose listing is reused for 500 ms — shorter than the 2 s poll, so it does not matter there.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import si from 'systeminformation';

export interface ProcessInfo {
  readonly pid: number;
  readonly name: string;
  /** Full path of the executable when the OS tells it, else null. */
  readonly exe: string | null;
  readonly command: string;
}

export type ProcessLister = () => Promise<ProcessInfo[]>;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function linuxProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = read(`/proc/${entry}/comm`);
    if (comm === null) continue; // exited between readdir and read
    let exe: string | null = null;
    try {
      exe = readlinkSync(`/proc/${entry}/exe`);
    } catch {
      // kernel threads and other users' processes: name only
    }
    // The command line only when asked (commandOf): reading it takes the process's memory lock, which a busy
    // process holds long enough to stall a scan of every process, and so the frames the engine is analysing.
    out.push({ pid: Number(entry), name: comm.trim(), exe, command: '' });
  }
  return out;
}

/** A process's command line (at most 300 characters), for the evidence of a finding; '' when it cannot be read. */
export function commandOf(p: ProcessInfo): string {
  if (p.command || process.platform !== 'linux') return p.command;
  return (read(`/proc/${p.pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ').slice(0, 300);
}

/** One listing shared by the checks of one pass (programs and remote sessions) instead of one each. */
export function sharedLister(list: ProcessLister, reuseMs: number): ProcessLister {
  let last: { at: number; listing: Promise<ProcessInfo[]> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > reuseMs) last = { at: now, listing: list() };
    return last.listing;
  };
}

export const listProcesses: ProcessLister = async () => {
  if (process.platform === 'linux') return linuxProcesses();
  const { list } = await si.processes();
  return list.map((p) => ({
    pid: p.pid,
    name: p.name,
    exe: p.path ? join(p.path, basename(p.command)) : null,
    command: [p.command, p.params].filter(Boolean).join(' ').slice(0, 300),
  }));
};

/** The SHA-256 of a process's executable file, or null when the OS does not let us read it. */
export type ExecutableHasher = (p: ProcessInfo) => string | null;

const hashes = new Map<string, string>();

/**
 * Reads the executable through /proc/<pid>/exe on Linux (the file the process really runs, even renamed or
 * deleted since), else the path the OS reported. Cached by device, inode, size and modification time, so each
 * program is read once however often the watch scans.
 */
export const hashExecutable: ExecutableHasher = (p) => {
  const file = process.platform === 'linux' ? `/proc/${p.pid}/exe` : p.exe;
  if (!file) return null;
  try {
    const st = statSync(file);
    if (!st.isFile()) return null;
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    const known = hashes.get(key);
    if (known) return known;
    const hash = createHash('sha256');
    const fd = openSync(file, 'r');
    try {
      const chunk = Buffer.allocUnsafe(1 << 20);
      for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    const digest = hash.digest('hex');
    hashes.set(key, digest);
    return digest;
  } catch {
    return null; // another user's process, or it exited
  }
};
