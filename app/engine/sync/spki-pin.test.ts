/**
 * SPKI pinning over real HTTPS on loopback: the reference server (`vigil-server start --tls-cert --tls-key`, a
 * process) with a self-signed certificate made here with openssl, and an impostor HTTPS server with another key
 * that counts what reaches it. The candidate-as-attacker view: a client pointed at the impostor must send it
 * nothing (no token, no event, no clip), and a mismatch must never cost a queued row.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../storage/store';
import { uploadEvidence } from './evidence-upload';
import { SyncHttpClient, SyncRequestError } from './http-client';
import { SYNC_PROTOCOL_VERSION } from './protocol';
import { Spooler } from './spooler';
import { freeLoopbackPort } from './testing/ports';
import { startServerProcess, vigilServer, type ServerProcess } from './testing/server-process';

const dir = mkdtempSync(join(tmpdir(), 'vigil-spki-pin-'));

/** A self-signed P-256 certificate for 127.0.0.1 and its SPKI pin (computed apart from the code under test). */
function selfSigned(name: string) {
  const key = join(dir, `${name}.key.pem`);
  const cert = join(dir, `${name}.cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const der = new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  return { key, cert, pin: createHash('sha256').update(der).digest('base64') };
}

let server: ServerProcess;
let examToken: string;
let real: ReturnType<typeof selfSigned>;
let fake: ReturnType<typeof selfSigned>;
let impostor: Server;
let impostorUrl: string;
let impostorRequests = 0;

beforeAll(async () => {
  real = selfSigned('server');
  fake = selfSigned('impostor');
  const home = join(dir, 'server');
  writeFileSync(join(dir, 'password'), 'a long enough admin password');
  expect(vigilServer(home, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password')]).status).toBe(0);
  const exam = vigilServer(home, ['exam', 'create', '--name', 'Pinned', '--json']);
  examToken = (JSON.parse(exam.stdout.trim().split('\n').at(-1)!) as { enrolmentToken: string }).enrolmentToken;
  server = await startServerProcess(home, await freeLoopbackPort(), {}, ['--tls-cert', real.cert, '--tls-key', real.key]);
  impostor = createServer({ key: readFileSync(fake.key), cert: readFileSync(fake.cert) }, (_req, res) => {
    impostorRequests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  impostorUrl = `https://127.0.0.1:${(impostor.address() as { port: number }).port}`;
}, 120_000);
afterAll(async () => {
  await server?.kill();
  impostor?.close();
});

const enrolment = (clientSessionId: string) => ({
  protocol: SYNC_PROTOCOL_VERSION as 1, examToken, clientSessionId, enrolSecret: randomBytes(32).toString('base64url'), candidate: { studentId: clientSessionId },
  device: { platform: 'linux', arch: 'x64', release: 'test' }, engineVersion: 'test', startedAt: new Date().toISOString(),
});

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SyncRequestError);
  return error as SyncRequestError;
};

describe('the client pins the sync server\'s public key (SPKI sha256) from the exam config', () => {
  it('talks to the server whose key matches the pin: health, enrolment and an evidence clip, self-signed as it is', async () => {
    expect(server.url).toMatch(/^https:/);
    const client = new SyncHttpClient(server.url, 15_000, real.pin);
    expect(await client.health()).toMatchObject({ accepting: true });
    const session = await client.enrol(enrolment('pinned-ok'));
    const clip = randomBytes(200_000);
    const result = await uploadEvidence({
      serverUrl: server.url, httpsAgent: client.httpsAgent, token: session.sessionToken, bytes: clip, uploadUrl: null, onUrl: () => undefined,
      metadata: { sessionId: session.sessionId, segmentId: '1', sha256: createHash('sha256').update(clip).digest('hex'), mime: 'video/mp4' },
    });
    expect(result).toMatchObject({ bytesSent: 200_000, alreadyReceived: false });
  });

  it('refuses a server whose key does not match, with one clear error, before sending it anything', async () => {
    // Attacks: the real server's URL answered by another key (a MITM), and the real key pinned for the wrong server.
    const toImpostor = new SyncHttpClient(impostorUrl, 15_000, real.pin);
    const health = await refusal(toImpostor.health());
    expect(health.message).toBe(`127.0.0.1:${new URL(impostorUrl).port}: the server's public key does not match the exam's pin (SPKI sha256 ${fake.pin}, pinned ${real.pin}); nothing was sent`);
    expect(health.retryable).toBe(false);
    await refusal(toImpostor.enrol(enrolment('pinned-mitm')));
    const upload = await refusal(
      uploadEvidence({ serverUrl: impostorUrl, httpsAgent: toImpostor.httpsAgent, token: 'A'.repeat(43), bytes: randomBytes(1000), uploadUrl: null, onUrl: () => undefined, metadata: { sessionId: '00000000-0000-4000-8000-000000000000', segmentId: '1', sha256: '0'.repeat(64), mime: 'video/mp4' } }),
    );
    expect(upload.message).toMatch(/does not match the exam's pin/);
    const resumed = await refusal(
      uploadEvidence({ serverUrl: impostorUrl, httpsAgent: toImpostor.httpsAgent, token: 'A'.repeat(43), bytes: randomBytes(1000), uploadUrl: `${impostorUrl}/api/v1/sync/evidence/0123456789abcdef0123456789abcdef`, onUrl: () => undefined, metadata: { sessionId: '00000000-0000-4000-8000-000000000000', segmentId: '1', sha256: '0'.repeat(64), mime: 'video/mp4' } }),
    );
    expect(resumed.message).toMatch(/does not match the exam's pin/);
    expect(await refusal(new SyncHttpClient(server.url, 15_000, fake.pin).health())).toMatchObject({ message: expect.stringMatching(/does not match the exam's pin/) });
    expect(impostorRequests).toBe(0);
    // Without a pin the self-signed server is refused by the ordinary certificate check; a pin needs https.
    expect((await refusal(new SyncHttpClient(server.url).health())).message).toMatch(/cannot reach the server \(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED/);
    expect(() => new SyncHttpClient(server.url.replace('https:', 'http:'), 15_000, real.pin)).toThrow(/must be https/);
  });

  it('keeps every queued row while the pin does not match, and sends them all once it does', async () => {
    const store = openStore(join(dir, 'client.db'));
    try {
      const session = store.sessions.create({ source: 'live', studentId: 'pinned-spool', sync: { serverUrl: server.url, examToken, studentId: 'pinned-spool' } });
      store.segments.add(session.id, { start: 10, end: 20, reason: 'interval flagged', mime: 'video/mp4', bytes: randomBytes(50_000) });
      const queued = store.outbox.pendingCount();
      expect(queued).toBeGreaterThanOrEqual(2);
      const wrong = new Spooler({ store, spkiPins: { [server.url]: fake.pin } });
      const refused = await wrong.drain(1500);
      expect(refused).toMatchObject({ done: false, sent: 0, pending: queued });
      expect(refused.lastError).toMatch(/does not match the exam's pin/);
      expect(store.outbox.pendingCount()).toBe(queued);
      const right = new Spooler({ store, spkiPins: { [server.url]: real.pin } });
      expect(await right.drain(60_000)).toMatchObject({ done: true, pending: 0 });
    } finally {
      store.close();
    }
  });

  it("keeps the exam's pin with the session: after a restart, with the config long closed, the spooler still talks only to the pinned key", async () => {
    // A spooler given no pins, as at the next start: the pin comes from the stored sync target.
    const pinnedWrong = openStore(join(dir, 'restart-wrong.db'));
    const pinnedRight = openStore(join(dir, 'restart-right.db'));
    try {
      pinnedWrong.sessions.create({ source: 'live', studentId: 'pin-after-restart', sync: { serverUrl: server.url, examToken, studentId: 'pin-after-restart', spkiPin: fake.pin } });
      const queued = pinnedWrong.outbox.pendingCount();
      const refused = await new Spooler({ store: pinnedWrong }).drain(1500);
      expect(refused).toMatchObject({ done: false, sent: 0, pending: queued });
      expect(refused.lastError).toMatch(/does not match the exam's pin/);
      expect(pinnedWrong.syncTargets.pinFor(server.url)).toBe(fake.pin);

      pinnedRight.sessions.create({ source: 'live', studentId: 'pin-after-restart', sync: { serverUrl: server.url, examToken, studentId: 'pin-after-restart', spkiPin: real.pin } });
      expect(await new Spooler({ store: pinnedRight }).drain(60_000)).toMatchObject({ done: true, pending: 0 });
    } finally {
      pinnedWrong.close();
      pinnedRight.close();
    }
  });
});
