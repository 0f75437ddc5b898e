/**
 * Issue #16's bad-input and attack list, tried as the candidate would on their own computer: a local program
 * posing as the app on the browser shell's socket, malformed addresses and messages, a second session start,
 * the exam's start gates, and the Electron main process's URL check. Each case names the attack and asserts what
 * it got back; each failed on the code before this change (see the commit message for what each got there).
 *
 * Real parts: the browser shell's server in a process of its own, a real engine process with its SQLite store,
 * loopback HTTP and WebSocket (harness.ts). Modules are imported inside each case, so one case's missing module cannot hide another's result.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, openSocket, pageSocket, request, startHarness, type Harness } from './harness';

/**
 * A policy whose session starts without the camera and microphone models (the attacks are not about them), and
 * that warns about remote sessions: other tests on the machine may run stand-ins of remote-access programs.
 */
const LIGHT_POLICY = { detectors: { face: false, audio: false, identity: false }, os: { remoteSession: 'warn' } };

describe('attacks on the browser shell and its engine', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    mkdirSync(join(h.home, 'policies'), { recursive: true });
    writeFileSync(join(h.home, 'policies', 'maths.json'), JSON.stringify({ quitPasswordHash: 'scrypt$secret-material' }));
  });
  afterAll(async () => h?.close());

  const shellStaysUp = async () => {
    expect(h.alive()).toBe(true);
    expect(await h.get('/')).toBe(200);
    const ws = await pageSocket(h);
    expect(await request(ws, 'engine.ping', { nonce: 'still-here' })).toMatchObject({ ok: true, result: { nonce: 'still-here' } });
    ws.close();
  };

  it('a local program claiming our Origin without the launch secret: 403 on the socket', async () => {
    const attempt = await openSocket(h, { origin: h.origin });
    attempt.ws?.close();
    expect(attempt.status).toBe(403);
  });

  it('a local program with a forged Origin and a guessed secret: 403', async () => {
    const attempt = await openSocket(h, { origin: h.origin, secret: 'A'.repeat(43) });
    attempt.ws?.close();
    expect(attempt.status).toBe(403);
  });

  it('a forged-Origin program trying to save a policy: 403, nothing written', async () => {
    const attempt = await openSocket(h, { origin: h.origin });
    if (attempt.ws) {
      await request(attempt.ws, 'policy.save', { name: 'evil', policy: {}, invigilatorPassword: 'attacker-2026' });
      attempt.ws.close();
    }
    expect(attempt.status).toBe(403);
    expect(existsSync(join(h.home, 'policies', 'evil.json'))).toBe(false);
  });

  it('a forged-Origin program reading a saved policy (policy.load, with its quit hash): 403', async () => {
    const attempt = await openSocket(h, { origin: h.origin });
    const answer = attempt.ws ? await request(attempt.ws, 'policy.load', { name: 'maths' }) : undefined;
    attempt.ws?.close();
    expect(attempt.status).toBe(403);
    expect(JSON.stringify(answer ?? {})).not.toContain('secret-material');
  });

  it('the app itself (launch secret and all) asking to change a policy: refused as an unknown channel, the saved exam unchanged', async () => {
    // Invigilators configure exams in the console; the candidate side has no channel that writes a policy.
    const before = readFileSync(join(h.home, 'policies', 'maths.json'), 'utf8');
    const ws = await pageSocket(h);
    const answers = [
      await request(ws, 'policy.save', { name: 'maths', policy: { processingFps: 1 }, invigilatorPassword: 'first-come-2026' }),
      await request(ws, 'invigilator.unlock', { password: 'first-come-2026' }),
    ];
    ws.close();
    for (const answer of answers) expect(answer).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(readFileSync(join(h.home, 'policies', 'maths.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(h.home, 'policies'))).toEqual(['maths.json']);
  });

  it('GET /%E0%A4%A (a broken UTF-8 escape): 400, and the shell and its engine stay up', async () => {
    expect(await h.get('/%E0%A4%A', 3000)).toBe(400);
    await shellStaysUp();
  });

  it('a malformed JSON message on the page socket: answered with bad_message, the socket stays usable', async () => {
    const ws = await pageSocket(h);
    expect(await exchange(ws, '{"kind":"request",')).toMatchObject({ kind: 'response', id: null, ok: false, error: { code: 'bad_message' } });
    expect(await exchange(ws, JSON.stringify({ kind: 'request', id: 7, channel: 'engine.ping' }))).toMatchObject({ id: 7, ok: false, error: { code: 'bad_message' } });
    expect(await request(ws, 'engine.ping', { nonce: 'after' })).toMatchObject({ ok: true });
    ws.close();
  });

  it('a WebSocket frame that is not UTF-8 text: that socket closes with 1007, the shell stays up', async () => {
    const ws = await pageSocket(h);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    const mask = Buffer.from([1, 2, 3, 4]);
    const payload = Buffer.from([0xff, 0xfe, 0xfd]).map((b, i) => b ^ mask[i % 4]!);
    (ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload]));
    expect(await closed).toBe(1007);
    await shellStaysUp();
  });

  it('session.start while a session runs: refused (session_running), the running session goes on', async () => {
    const ws = await pageSocket(h);
    await request(ws, 'policy.parse', { text: JSON.stringify(LIGHT_POLICY), source: 'exam.json' });
    const first = await request(ws, 'session.start', {}, 60_000);
    expect(first).toMatchObject({ ok: true });
    const firstId = (first as { result: { sessionId: string } }).result.sessionId;
    const second = await request(ws, 'session.start', {}, 60_000);
    expect(second).toMatchObject({ ok: false, error: { code: 'session_running' } });
    expect(await request(ws, 'session.calibrate', { sessionId: firstId })).toMatchObject({ ok: true, result: { status: 'SKIPPED' } });
    expect(await request(ws, 'session.finish', { sessionId: firstId }, 60_000)).toMatchObject({ ok: true });
    ws.close();
  });
});

describe('attacks on the exam gates', () => {
  it('an exam over SSH (SSH_CONNECTION set) with remoteSession refuse_to_start: session.start refused, naming the remote session', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-gate-'));
    try {
      const [{ createLiveApi }, { openStore }] = await Promise.all([import('../../engine/live/live-api'), import('../../engine/storage/store')]);
      const store = openStore(join(home, 'vigil.db'));
      const api = createLiveApi({ store, env: { VIGIL_HOME: home, VIGIL_ALLOW_UNSIGNED: '1', SSH_CONNECTION: '203.0.113.7 52011 192.0.2.10 22' }, listProcesses: async () => [] });
      await api['policy.parse']({ text: JSON.stringify({ ...LIGHT_POLICY, os: { remoteSession: 'refuse_to_start' } }), source: 'exam.json' });
      const outcome = await api['session.start']({}).then(
        (started) => ({ started }),
        (error: Error & { code?: string }) => ({ code: error.code, message: error.message }),
      );
      store.close();
      expect(outcome).toMatchObject({ code: 'start_refused', message: expect.stringMatching(/remote session: ssh .*what to do: sit the exam at the computer itself/) });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('attacks on the desktop shell', () => {
  it('an exam link with a broken escape (vigil://exam/%E0%A4%A): refused with a reason, never thrown', async () => {
    const { parseExamLink } = await import('../../shell/exam-link');
    expect(parseExamLink('vigil://exam/%E0%A4%A')).toEqual({ ok: false, reason: '"%E0%A4%A" is not percent-encoded UTF-8' });
  });

  it("the real window's URL (vigil-app://app/) passes the main process's app-URL check, which Node's null origin failed", async () => {
    // Before this change the check lived in app/shell/protocol.ts (which loads Electron) and compared
    // new URL(url).origin, which Node gives as "null" for vigil-app: URLs, with "vigil-app://app".
    expect(new URL('vigil-app://app/').origin).toBe('null');
    const { isAppUrl } = await import('../../shell/app-url');
    expect(isAppUrl('vigil-app://app/')).toBe(true);
    expect(isAppUrl('vigil-app://app@evil/')).toBe(false);
  });
});
