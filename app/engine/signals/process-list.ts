/**
 * The running processes, by name and executable. On Linux straight from /proc: exact (the executable comes
 * from /proc/<pid>/exe, which a renamed copy cannot hide) and fresh on every call. Elsewhere from
 * systeminformation, whose listing is reused for 500 ms — shorter than the 2 s poll, so it does not matter there.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
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
    const command = (read(`/proc/${entry}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ').slice(0, 300);
    out.push({ pid: Number(entry), name: comm.trim(), exe, command });
  }
  return out;
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
