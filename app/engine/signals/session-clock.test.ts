import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SignalEvent } from './events';
import { signalAlerts } from './scoring';
import { createSessionClock, wallClockFromEnv } from './session-clock';
import { createWallClockWatch } from './wall-clock-watch';

/** A machine whose wall and monotonic clocks the test moves by hand. */
function machine(wallStart = 1_700_000_000_000) {
  const m = { wallMs: wallStart, monoNs: 10_000_000_000n };
  return {
    m,
    advance(sec: number) {
      m.wallMs += sec * 1000;
      m.monoNs += BigInt(Math.round(sec * 1e9));
    },
    setWall(deltaSec: number) {
      m.wallMs += deltaSec * 1000;
    },
    clock: (originNs?: bigint) => createSessionClock({ wall: () => m.wallMs, monotonic: () => m.monoNs, ...(originNs === undefined ? {} : { originNs }) }),
  };
}

describe('the session clock', () => {
  it('counts seconds on the monotonic clock, so setting the wall clock back or forward moves nothing', () => {
    const box = machine();
    const clock = box.clock();
    box.advance(60);
    expect(clock.now()).toBe(60);
    box.setWall(-3600);
    expect(clock.now()).toBe(60);
    box.advance(5);
    box.setWall(+7200);
    expect(clock.now()).toBe(65);
  });

  it('places an OS callback time by its age on the wall clock, never before 0 nor after now', () => {
    const box = machine();
    const clock = box.clock();
    box.advance(30);
    expect(clock.at(box.m.wallMs - 2000)).toBe(28);
    box.setWall(-3600);
    // Stamped just now, after the jump: still now on the session clock.
    expect(clock.at(box.m.wallMs)).toBe(30);
    expect(clock.at(box.m.wallMs + 10_000)).toBe(30);
    expect(clock.at(0)).toBe(0);
  });

  it('shares one axis with another process or a restarted engine given the same monotonic origin', () => {
    const box = machine();
    const first = box.clock();
    box.advance(42);
    const restarted = box.clock(first.originNs);
    expect(restarted.now()).toBe(42);
    const real = createSessionClock();
    const twin = createSessionClock({ originNs: real.originNs });
    expect(Math.abs(twin.now() - real.now())).toBeLessThan(0.05);
  });

  it('reads an injected wall-clock offset from VIGIL_WALL_CLOCK_OFFSET_FILE on every call, and the real clock without it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-wall-')), 'offset');
    const wall = wallClockFromEnv({ VIGIL_WALL_CLOCK_OFFSET_FILE: file });
    expect(Math.abs(wall() - Date.now())).toBeLessThan(1000);
    writeFileSync(file, '-3600000');
    expect(wall() - Date.now()).toBeLessThan(-3_599_000);
    writeFileSync(file, '3600000');
    expect(wall() - Date.now()).toBeGreaterThan(3_599_000);
    expect(wallClockFromEnv({})).toBe(Date.now);
  });
});

describe('the wall-clock watch', () => {
  it('records a jump back and a jump forward as clock_changed events and alerts, and ignores small drift', async () => {
    const box = machine();
    const clock = box.clock();
    const events: SignalEvent[] = [];
    const watch = createWallClockWatch({ clock, sink: (e) => events.push(e) });
    box.advance(10);
    expect(await watch.perform()).toBeNull();
    box.advance(1);
    box.m.wallMs += 1500; // NTP-sized drift
    expect(await watch.perform()).toBeNull();
    box.advance(20);
    box.setWall(-3600);
    await watch.perform();
    box.advance(20);
    box.setWall(+3600);
    await watch.perform();
    expect(events).toMatchObject([
      { type: 'clock_changed', t: 31, jumpSec: -3600 },
      { type: 'clock_changed', t: 51, jumpSec: 3600 },
    ]);
    expect(events[0]!.evidence).toMatchObject({ sessionSecBetween: 20 });
    expect(signalAlerts(events).map((a) => [a.type, a.start, a.severity])).toEqual([
      ['clock_changed', 31, 'warning'],
      ['clock_changed', 51, 'warning'],
    ]);
  });
});
