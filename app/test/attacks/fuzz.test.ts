/**
 * Malformed input on every local interface, generated from a fixed seed so a failure replays: request targets
 * on the browser shell's static server, exam links, messages on the page's socket, and payloads for every
 * contract channel. Every one must be answered (a status, an error), never crash the shell or its engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, channels, parseRequest, type Channel } from '../../ipc/contract';
import { isAppUrl } from '../../shell/app-url';
import { appUrlForLink, parseExamLink } from '../../shell/exam-link';
import { exchange, pageSocket, request, startHarness, type Harness } from './harness';

const CASES_PER_INTERFACE = 400;

/** mulberry32: a small seeded generator, so every run tries the same inputs. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

/** Pieces an attacker strings together: broken and overlong escapes, dot segments, NUL, separators, raw bytes. */
const URL_PIECES = [
  '/', '//', '\\', '.', '..', '%2e%2e', '%2E%2e/', '%2f', '%5c', '%00', '%', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%zz', '%%', '%u002e',
  '?', '#', '&', '=', 'index.html', '__vigil/bridge.js', '__vigil/ipc', 'assets', 'a b', '\t', '~', '*', ';', '@', ':', '\u00e9', '\u00ff', 'x',
];
function fuzzTarget(r: Random): string {
  const parts = Array.from({ length: 1 + r.int(12) }, () => r.pick(URL_PIECES));
  if (r.next() < 0.05) parts.push('A'.repeat(20_000 + r.int(10_000)));
  if (r.next() < 0.1) parts.push(String.fromCharCode(r.int(32)));
  const target = parts.join('');
  return r.next() < 0.85 ? `/${target}` : target;
}

const LINK_PIECES = ['vigil://', 'vigil:', 'VIGIL://', 'exam', '/', '?policy=', '%', '%E0%A4%A', '%2F', '..', 'maths-101', '\u0000', '#', '@', ':', ' ', '\u202e', 'é', 'https://', 'a'.repeat(100)];
function fuzzLink(r: Random): string {
  return Array.from({ length: 1 + r.int(8) }, () => r.pick(LINK_PIECES)).join('');
}

/** Any JSON value, nested a little, with the odd key that collides with prototypes. */
function fuzzValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return r.pick([true, false]);
    case 2:
      return r.pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, 0.5, 24 * 3600 + 1]);
    case 3:
      return r.pick(['', 'x', '%E0%A4%A', '\u0000', '0b4f8c1e-5d7a-4c2b-9e3f-1a2b3c4d5e6f', 'a'.repeat(300), '../../etc/passwd']);
    case 4:
      return r.pick(['__proto__', 'constructor', 'toString']);
    case 5:
      return r.pick([[], {}]);
    case 6:
      return Array.from({ length: r.int(4) }, () => fuzzValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.pick(['__proto__', 'constructor', 'policy', 'sessionId', 't', 'nonce', 'name', 'rgb', 'x']), fuzzValue(r, depth + 1)]));
  }
}

/** A payload that is never exactly the empty object (which some channels accept and would really run). */
const fuzzPayload = (r: Random) => {
  const value = fuzzValue(r);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, '\u0000junk': 1 } : value;
};

const CHANNELS = Object.keys(channels) as Channel[];

function fuzzMessage(r: Random): string | Buffer {
  switch (r.int(5)) {
    case 0:
      return Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
    case 1:
      return JSON.stringify(fuzzValue(r)).slice(0, r.int(40) + 1);
    case 2:
      return JSON.stringify(fuzzValue(r));
    case 3:
      return JSON.stringify({ kind: r.pick(['request', 'response', 'event', 42]), id: r.pick([1, -1, 0.5, '1', null, 2 ** 60]), channel: fuzzValue(r), payload: fuzzValue(r) });
    default:
      return JSON.stringify({ kind: 'request', id: r.int(1000), channel: r.pick([...CHANNELS, 'session.signal', 'constructor', '__proto__', '']), payload: fuzzPayload(r) });
  }
}

describe('malformed input on every local interface', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it(`the static server answers ${CASES_PER_INTERFACE} malformed request targets with a status, and stays up`, async () => {
    const r = random(16);
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES_PER_INTERFACE; i++) {
      const target = fuzzTarget(r);
      const status = await h.get(target);
      expect([200, 400, 404, 431], `GET ${JSON.stringify(target.slice(0, 120))}`).toContain(status);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(h.alive()).toBe(true);
    expect(await h.get('/')).toBe(200);
    expect(statuses.get(400)).toBeGreaterThan(0);
  });

  it(`the link parser refuses or accepts ${CASES_PER_INTERFACE} malformed exam links with a reason, never throwing`, () => {
    const r = random(17);
    for (let i = 0; i < CASES_PER_INTERFACE; i++) {
      const link = fuzzLink(r);
      const parsed = parseExamLink(link);
      if (parsed.ok) {
        expect(parsed.policyName, link).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
        expect(isAppUrl(appUrlForLink('vigil-app://app', parsed)), link).toBe(true);
      } else {
        expect(parsed.reason.length, link).toBeGreaterThan(0);
      }
    }
  });

  it(`the page socket answers ${CASES_PER_INTERFACE} malformed messages with an error and keeps working`, async () => {
    const r = random(18);
    const ws = await pageSocket(h);
    const codes = new Map<string, number>();
    for (let i = 0; i < CASES_PER_INTERFACE; i++) {
      const message = fuzzMessage(r);
      const answer = await exchange(ws, message);
      // Binary messages are camera frames (the contract's FrameHeader): random bytes are refused as bad frames.
      expect(answer, `message ${JSON.stringify(String(message).slice(0, 120))}`).toMatchObject({ kind: typeof message === 'string' ? 'response' : 'frame', ok: false });
      const code = (answer as { error: { code: string } }).error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect([...codes.keys()].sort()).toEqual(expect.arrayContaining(['bad_frame', 'bad_message', 'bad_request', 'unknown_channel']));
    expect(await request(ws, 'engine.ping', { nonce: 'after the fuzz' })).toMatchObject({ ok: true, result: { nonce: 'after the fuzz' } });
    ws.close();
    expect(h.alive()).toBe(true);
  });

  it(`the contract refuses ${CASES_PER_INTERFACE} malformed payloads with an error naming the channel`, () => {
    const r = random(19);
    for (let i = 0; i < CASES_PER_INTERFACE; i++) {
      const channel = r.pick(CHANNELS);
      const payload = fuzzPayload(r);
      let thrown: unknown;
      try {
        parseRequest(channel, payload);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `${channel} ${JSON.stringify(payload)}`).toBeInstanceOf(ContractError);
      expect((thrown as ContractError).message.startsWith(`${channel}: `)).toBe(true);
    }
  });
});
