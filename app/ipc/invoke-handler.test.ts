import { describe, expect, it } from 'vitest';
import type { RpcClient } from '../engine/rpc/client';
import type { Channel, RequestOf } from './contract';
import { channelNames } from './dispatch';
import { createInvokeHandler, isTrustedSender, type InvokeEvent } from './invoke-handler';

const uuid = '0b4f8c1e-5d7a-4c2b-9e3f-1a2b3c4d5e6f';
const frame = { width: 16, height: 16, rgb: Buffer.alloc(16 * 16 * 3).toString('base64') };

/** A request that passes the contract's schema, for every channel (the compiler insists on each one). */
const VALID: { [C in Channel]: RequestOf<C> } = {
  'engine.health': {},
  'engine.ping': { nonce: 'n' },
  'policy.parse': { text: '{}', source: 'exam.json' },
  'policy.load': { name: 'maths' },
  'policy.check': { text: '{}', source: 'exam.json' },
  'exam.practice': {},
  'system.check': {},
  'identity.begin': {},
  'voice.enrol': { samples: '' },
  'voice.skip': {},
  'session.start': {},
  'session.frame': { sessionId: uuid, t: 1, ...frame },
  'session.audio': { sessionId: uuid, t: 1, samples: '' },
  'session.evidence': { sessionId: uuid, start: 0, end: 4, mime: 'video/webm', data: '' },
  'session.calibrate': { sessionId: uuid },
  'session.finish': { sessionId: uuid },
  'session.device': { sessionId: uuid, change: 'track_ended', kind: 'camera', labels: [] },
  'session.camera': { sessionId: uuid, report: { t: 1, kind: 'ended', camera: null, microphone: null } },
  'session.quit': { sessionId: uuid, password: 'p' },
  'session.sync': { sessionId: uuid, done: [] },
};

/** The engine, seen from the router: it records which methods reached it and answers each with a refusal of its own. */
function recordingEngine(reached: string[]): RpcClient {
  return {
    closed: false,
    call: (method) => {
      reached.push(method);
      return Promise.reject(Object.assign(new Error('engine saw it'), { code: 'seen' }));
    },
    onEvent: () => () => undefined,
  };
}

/** Our window as Electron gives it to the main process: one WebContents, its main frame at a vigil-app: URL. */
function windowAt(url: string) {
  const mainFrame = { url };
  const contents = { mainFrame };
  return { contents, event: { sender: contents, senderFrame: mainFrame } satisfies InvokeEvent };
}

describe("the main process's IPC entry (the function electron-router registers)", () => {
  it('accepts every channel from the real window at vigil-app://app/ and passes it to the engine', async () => {
    for (const url of ['vigil-app://app/', 'vigil-app://app/index.html', 'vigil-app://app/?policy=maths-101', 'vigil-app://app/#/settings']) {
      const reached: string[] = [];
      const { contents, event } = windowAt(url);
      const handle = createInvokeHandler(recordingEngine(reached), () => contents);
      for (const channel of channelNames) {
        const outcome = await handle(event, channel, VALID[channel]);
        expect(outcome, `${channel} from ${url}`).not.toMatchObject({ error: { code: 'forbidden' } });
        expect(outcome, `${channel} from ${url}`).not.toMatchObject({ error: { code: 'bad_request' } });
      }
      expect(reached).toEqual(channelNames);
    }
  });

  it('refuses every channel from another address, another frame or another window, before the engine hears of it', async () => {
    const reached: string[] = [];
    const ours = windowAt('vigil-app://app/');
    const navigated = windowAt('https://exam.example.org/');
    const lookAlike = windowAt('vigil-app://app.evil/');
    /** What the main process trusts (its window) and who sent the call. */
    const cases: { what: string; trusted: { mainFrame: unknown }; event: InvokeEvent }[] = [
      { what: 'our window, navigated to the exam site', trusted: navigated.contents, event: navigated.event },
      { what: 'our window on a look-alike host', trusted: lookAlike.contents, event: lookAlike.event },
      { what: 'an iframe of our window at the app URL', trusted: ours.contents, event: { sender: ours.contents, senderFrame: { url: 'vigil-app://app/' } } },
      { what: 'another window on the app URL', trusted: ours.contents, event: windowAt('vigil-app://app/').event },
      { what: 'a frame already gone', trusted: ours.contents, event: { sender: ours.contents, senderFrame: null } },
    ];
    for (const { what, trusted, event } of cases) {
      const handle = createInvokeHandler(recordingEngine(reached), () => trusted);
      for (const channel of channelNames) {
        expect(await handle(event, channel, VALID[channel]), `${channel}: ${what}`).toEqual({ ok: false, error: { code: 'forbidden', message: 'sender is not the Vigil window' } });
      }
    }
    expect(reached).toEqual([]);
  });

  it('refuses everything while the window does not exist', async () => {
    const reached: string[] = [];
    const handle = createInvokeHandler(recordingEngine(reached), () => undefined);
    expect(await handle(windowAt('vigil-app://app/').event, 'engine.ping', { nonce: 'n' })).toMatchObject({ error: { code: 'forbidden' } });
    expect(reached).toEqual([]);
  });

  it('checks the sender with the same app-URL rule as the rest of the main process', () => {
    const { contents, event } = windowAt('vigil-app://app/');
    expect(isTrustedSender(event, contents)).toBe(true);
    for (const url of ['vigil-app://app@evil/', 'vigil-app://app:8080/', 'vigil-app://evil/', 'https://app/', 'file:///app/index.html', 'about:blank', '']) {
      const other = windowAt(url);
      expect(isTrustedSender(other.event, other.contents), url).toBe(false);
    }
  });

  it('lets the main process answer a request before the engine (a lockdown that may not start refuses session.start)', async () => {
    const reached: string[] = [];
    const { contents, event } = windowAt('vigil-app://app/');
    const handle = createInvokeHandler(recordingEngine(reached), () => contents, {
      before: async (channel) => (channel === 'session.start' ? { ok: false, error: { code: 'start_refused', message: 'keyboard lock unavailable' } } : undefined),
    });
    expect(await handle(event, 'session.start', VALID['session.start'])).toEqual({ ok: false, error: { code: 'start_refused', message: 'keyboard lock unavailable' } });
    expect(reached).toEqual([]);
  });
});
