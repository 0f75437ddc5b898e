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

  // Debian 12's Xvfb accepts `xrandr --setmonitor` but does not keep the monitor, and offers one mode only,
  // so the change made here is the session's display itself being replaced by one of another size.
  it('reports a change of display as display_change with the before and after', async () => {
    const events: SignalEvent[] = [];
    let env = small.env;
    const watch = createDisplayWatch({ clock: createSessionClock(), sink: (e) => events.push(e), env: () => env });
    expect((await watch.perform()).changed).toBeNull();
    expect((await watch.perform()).changed).toBeNull();
    env = large.env;
    const { changed } = await watch.perform();
    expect(changed).toMatchObject({ type: 'display_change', count: 1, previousCount: 1, evidence: { before: [{ width: 1024, height: 768 }], after: [{ width: 1280, height: 1024 }], source: 'xrandr' } });
    expect(events).toEqual([changed]);
  });

  it('says which display it could not reach instead of throwing', async () => {
    const listing = await listDisplays({ ...process.env, DISPLAY: ':4999' });
    expect(listing).toMatchObject({ ok: false, source: 'xrandr', error: expect.stringContaining(':4999') });
  });
});
