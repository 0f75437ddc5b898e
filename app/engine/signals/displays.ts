/**
 * The displays attached to this machine, and a watch that reports when their number or arrangement changes.
 * On X11 from `xrandr --listmonitors` (what the X server presents, the same view other apps get); elsewhere,
 * or without xrandr, from systeminformation.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import si from 'systeminformation';
import type { SignalOf, SignalSink } from './events';
import type { SessionClock } from './session-clock';
import type { SessionOperation } from './session-operation';

const run = promisify(execFile);

export interface DisplayInfo {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  readonly primary: boolean;
}

export type DisplayListing = { ok: true; source: 'xrandr' | 'systeminformation'; displays: DisplayInfo[] } | { ok: false; source: string; error: string; fix: string };

// " 0: +*DP-1 1920/527x1080/296+0+0  DP-1"
const MONITOR_LINE = /^\s*\d+:\s+\+?(\*?)(\S+)\s+(\d+)\/\d+x(\d+)\/\d+\+(-?\d+)\+(-?\d+)/;

export function parseListMonitors(text: string): DisplayInfo[] {
  return text.split('\n').flatMap((line) => {
    const m = MONITOR_LINE.exec(line);
    if (!m) return [];
    return [{ name: m[2] ?? '', primary: m[1] === '*', width: Number(m[3]), height: Number(m[4]), x: Number(m[5]), y: Number(m[6]) }];
  });
}

export async function listDisplays(env: NodeJS.ProcessEnv = process.env): Promise<DisplayListing> {
  if (process.platform === 'linux' && env.DISPLAY) {
    try {
      const { stdout } = await run('xrandr', ['--listmonitors'], { env, timeout: 5000 });
      return { ok: true, source: 'xrandr', displays: parseListMonitors(stdout) };
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') {
        // fall through to systeminformation
      } else {
        return { ok: false, source: 'xrandr', error: (e.stderr || e.message).trim().split('\n')[0] ?? 'xrandr failed', fix: `check that the X display ${env.DISPLAY} is reachable` };
      }
    }
  }
  try {
    const { displays } = await si.graphics();
    return {
      ok: true,
      source: 'systeminformation',
      displays: displays.map((d, i) => ({
        name: d.deviceName || d.model || `display-${i}`,
        width: d.currentResX ?? d.resolutionX ?? 0,
        height: d.currentResY ?? d.resolutionY ?? 0,
        x: d.positionX ?? 0,
        y: d.positionY ?? 0,
        primary: d.main ?? false,
      })),
    };
  } catch (error) {
    return { ok: false, source: 'systeminformation', error: (error as Error).message, fix: process.platform === 'linux' ? 'install x11-xserver-utils (xrandr) and run in an X session' : 'check display access for this user' };
  }
}

export interface DisplaySnapshot {
  readonly count: number;
  readonly displays: readonly DisplayInfo[];
  readonly source: string;
}

export interface DisplayWatchResult {
  readonly listing: DisplayListing;
  readonly changed: SignalOf<'display_change'> | null;
}

export const DISPLAY_POLL_INTERVAL_MS = 2000;

const layout = (d: readonly DisplayInfo[]) => JSON.stringify([...d].map((x) => [x.width, x.height, x.x, x.y]).sort());

/**
 * perform(): lists the displays; from the second pass on, a different count or layout is a display_change.
 * `env` is read on each pass (the X display to ask).
 */
export function createDisplayWatch(options: { clock: SessionClock; sink: SignalSink; env?: () => NodeJS.ProcessEnv; list?: typeof listDisplays }): SessionOperation<DisplayWatchResult> {
  const list = options.list ?? listDisplays;
  let previous: DisplaySnapshot | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function perform(): Promise<DisplayWatchResult> {
    const at = Date.now();
    const listing = await list(options.env?.() ?? process.env);
    if (!listing.ok) return { listing, changed: null };
    const snapshot: DisplaySnapshot = { count: listing.displays.length, displays: listing.displays, source: listing.source };
    let changed: SignalOf<'display_change'> | null = null;
    if (previous && (previous.count !== snapshot.count || layout(previous.displays) !== layout(snapshot.displays))) {
      changed = { type: 'display_change', t: options.clock.at(at), count: snapshot.count, previousCount: previous.count, evidence: { before: previous.displays, after: snapshot.displays, source: snapshot.source } };
      options.sink(changed);
    }
    previous = snapshot;
    return { listing, changed };
  }

  return {
    id: 'displays',
    perform,
    repeat(intervalMs = DISPLAY_POLL_INTERVAL_MS) {
      if (timer) return;
      const tick = () =>
        void perform()
          .catch(() => undefined)
          .finally(() => {
            if (timer) timer = setTimeout(tick, intervalMs);
          });
      timer = setTimeout(tick, intervalMs);
    },
    async revert() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
