import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisplayWatch, listDisplays, parseListMonitors } from './displays';
import type { SignalEvent } from './events';
import { createSessionClock } from './session-clock';
import { requireTool, startXvfb, type XServer } from './testing/x-server';

describe('xrandr monitor listing', () => {
  it('reads name, geometry, position and the primary mark', () => {
    const text = 'Monitors: 2\n 0: +*DP-1 1920/527x1080/296+0+0  DP-1\n 1: +HDMI-1 1280/340x1024/270+1920+0  HDMI-1\n';
    expect(parseListMonitors(text)).toEqual([
      { name: 'DP-1', primary: true, width: 1920, height: 1080, x: 0, y: 0 },
      { name: 'HDMI-1', primary: false, width: 1280, height: 1024, x: 1920, y: 0 },
    ]);
  });
});

/** Changes the monitors of `server` as a desktop's display settings would. */
function xrandr(server: XServer, args: string[]): void {
  execFileSync('xrandr', args, { env: server.env, stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('displays under Xvfb', () => {
  let small: XServer;
  let large: XServer;
  beforeAll(async () => {
    requireTool('xrandr');
    small = await startXvfb({ width: 1024, height: 768 });
    large = await startXvfb({ width: 1280, height: 1024 });
  });
  afterAll(async () => {
    await small?.stop();
    await large?.stop();
  });

  it('counts the X server’s monitors with their geometry', async () => {
    const listing = await listDisplays(small.env);
    expect(listing).toEqual({ ok: true, source: 'xrandr', displays: [{ name: 'screen', primary: false, width: 1024, height: 768, x: 0, y: 0 }] });
  });

  it('reports a monitor added and removed with xrandr as display_change events with the before and after', async () => {
    const events: SignalEvent[] = [];
    const watch = createDisplayWatch({ clock: createSessionClock(), sink: (e) => events.push(e), env: () => small.env });
    expect((await watch.perform()).changed).toBeNull();
    expect((await watch.perform()).changed).toBeNull();

    xrandr(small, ['--setmonitor', 'VIGIL-RIGHT', '512/135x768/203+512+0', 'none']);
    const added = (await watch.perform()).changed;
    expect(added).toMatchObject({
      type: 'display_change', count: 2, previousCount: 1,
      evidence: { before: [{ name: 'screen', width: 1024 }], after: expect.arrayContaining([expect.objectContaining({ name: 'VIGIL-RIGHT', width: 512, height: 768, x: 512 })]), source: 'xrandr' },
    });

    xrandr(small, ['--delmonitor', 'VIGIL-RIGHT']);
    const removed = (await watch.perform()).changed;
    expect(removed).toMatchObject({ type: 'display_change', count: 1, previousCount: 2 });
    expect(events).toEqual([added, removed]);
  });

  it('reports the session moving to a display of another size', async () => {
    const events: SignalEvent[] = [];
    let env = large.env;
    const watch = createDisplayWatch({ clock: createSessionClock(), sink: (e) => events.push(e), env: () => env });
    await watch.perform();
    env = { ...large.env, DISPLAY: small.display };
    const { changed } = await watch.perform();
    expect(changed).toMatchObject({ count: 1, previousCount: 1, evidence: { before: [{ width: 1280, height: 1024 }], after: [{ width: 1024, height: 768 }] } });
  });

  it('says which display it could not reach instead of throwing', async () => {
    const listing = await listDisplays({ ...process.env, DISPLAY: ':4999' });
    expect(listing).toMatchObject({ ok: false, source: 'xrandr', error: expect.stringContaining(':4999') });
  });
});
