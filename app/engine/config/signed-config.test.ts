/**
 * Signed exam configs, with the candidate as the attacker: each attack below is a config the candidate could
 * bring (edited, self-signed, old, pointed at another server, unsigned) and the one-line refusal it gets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, importPKCS8 } from 'jose';
import { describe, expect, it } from 'vitest';
import { openExamConfig, loadTrust } from './open-config';
import { PRACTICE_EXAM, PRACTICE_KEY } from './practice';
import { generateSigningKey, signExamConfig, trustEntry, verifyExamConfig, type ExamConfigClaims } from './signed-config';
import { machineTrustFile, type TrustFile } from './trust';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const sec = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const institution = await generateSigningKey();
const stranger = await generateSigningKey();
const SERVER = 'https://exams.example.edu';
const PIN = 'q0yZSzPl2xN0s0ZT4ai3bUGdWpWDXXhqv5E7o3yb4tE=';
const trust: TrustFile = { version: 1, keys: [await trustEntry(institution.publicKey, 'Example University', { servers: [{ url: SERVER, spkiPin: PIN }] }), PRACTICE_KEY] };

const claims = (over: Partial<ExamConfigClaims> = {}): ExamConfigClaims => ({
  v: 1,
  examId: 'maths-101',
  mode: 'exam',
  policy: { processingFps: 6, quitPasswordHash: 'sha256$' + 'a'.repeat(64) },
  server: { url: `${SERVER}/vigil`, spkiPin: PIN },
  enrolmentToken: 'enrol-secret-123',
  iat: sec('2026-12-01T00:00:00Z'),
  exp: sec('2026-12-31T00:00:00Z'),
  ...over,
});
const open = (text: string, allowUnsigned = false) => openExamConfig(text, 'exam.vigil-exam', { trust, allowUnsigned, now: NOW });

describe('signed exam configs', () => {
  it('opens a config signed by a pinned key, with its policy, server and token kept for the engine', async () => {
    const opened = await open(await signExamConfig(claims(), institution.privateKeyPem, institution.kid));
    expect(opened).toMatchObject({ ok: true, mode: 'exam', examId: 'maths-101', signer: 'Example University', server: { url: `${SERVER}/vigil`, spkiPin: PIN }, enrolmentToken: 'enrol-secret-123', expiresAt: '2026-12-31T00:00:00.000Z' });
    if (opened.ok) expect(opened.policy.processingFps).toBe(6);
  });

  it('refuses a config whose signature does not verify (the candidate edited the policy)', async () => {
    const jws = await signExamConfig(claims(), institution.privateKeyPem, institution.kid);
    const [header, , signature] = jws.split('.');
    const edited = Buffer.from(JSON.stringify({ ...claims(), policy: { detectors: { face: false } } })).toString('base64url');
    expect(await open(`${header}.${edited}.${signature}`)).toMatchObject({ ok: false, reason: 'bad_signature', message: expect.stringMatching(/^exam\.vigil-exam: signature does not verify against "Example University"/) });
  });

  it('refuses a config signed by a key this computer does not pin, even when it claims a pinned kid', async () => {
    expect(await open(await signExamConfig(claims(), stranger.privateKeyPem, stranger.kid))).toMatchObject({ ok: false, reason: 'unpinned_key', rule: expect.stringMatching(/^signed by a key this computer does not trust/) });
    // The candidate's own key under the institution's kid: the signature check catches it.
    expect(await open(await signExamConfig(claims(), stranger.privateKeyPem, institution.kid))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expired config', async () => {
    const jws = await signExamConfig(claims({ exp: sec('2026-12-05T11:59:59Z') }), institution.privateKeyPem, institution.kid);
    expect(await open(jws)).toMatchObject({ ok: false, reason: 'expired', rule: 'expired on 2026-12-05T11:59:59.000Z' });
  });

  it('refuses a config whose server is not the one pinned for its key, or whose pin differs', async () => {
    const elsewhere = await signExamConfig(claims({ server: { url: 'https://evil.example.com/vigil' } }), institution.privateKeyPem, institution.kid);
    expect(await open(elsewhere)).toMatchObject({ ok: false, reason: 'server_mismatch', rule: 'server https://evil.example.com is not one "Example University" may name' });
    const otherPin = await signExamConfig(claims({ server: { url: SERVER, spkiPin: 'B'.repeat(43) + '=' } }), institution.privateKeyPem, institution.kid);
    expect(await open(otherPin)).toMatchObject({ ok: false, reason: 'server_mismatch', rule: expect.stringMatching(/SPKI pin B+= is not the pinned q0yZ/) });
  });

  it('refuses an unsigned policy, and opens it marked "unsigned" only with the developer flag', async () => {
    expect(await open('{"processingFps": 6}')).toMatchObject({ ok: false, reason: 'unsigned', rule: expect.stringMatching(/^unsigned exam config/) });
    expect(await open('{"processingFps": 6}', true)).toMatchObject({ ok: true, mode: 'unsigned', examId: null });
  });

  it('refuses other algorithms and other JWS types', async () => {
    const none = `${Buffer.from('{"alg":"none","kid":"' + institution.kid + '","typ":"vigil-exam+jws"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.AA`;
    expect(await open(none)).toMatchObject({ ok: false, reason: 'bad_signature', rule: 'signature algorithm none is not accepted (EdDSA only)' });
    const untyped = await new CompactSign(Buffer.from(JSON.stringify(claims()))).setProtectedHeader({ alg: 'EdDSA', kid: institution.kid }).sign(await importPKCS8(institution.privateKeyPem, 'EdDSA'));
    expect(await open(untyped)).toMatchObject({ ok: false, reason: 'not_a_config' });
  });

  it('opens the built-in practice exam as practice, and never lets the practice key open a real exam', async () => {
    expect(await open(PRACTICE_EXAM)).toMatchObject({ ok: true, mode: 'practice', examId: 'vigil-practice', signer: 'Vigil practice exam', server: undefined });
    // A leaked or rebuilt practice key: simulated with a key of ours trusted as practice-only.
    const practiceOnly = await generateSigningKey();
    const withPractice: TrustFile = { version: 1, keys: [await trustEntry(practiceOnly.publicKey, 'practice', { practiceOnly: true })] };
    const real = await signExamConfig(claims({ server: undefined }), practiceOnly.privateKeyPem, practiceOnly.kid);
    expect(await verifyExamConfig(real, withPractice, NOW)).toMatchObject({ ok: false, reason: 'practice_only' });
    const sneaky = await signExamConfig(claims({ mode: 'practice' }), practiceOnly.privateKeyPem, practiceOnly.kid);
    expect(await verifyExamConfig(sneaky, withPractice, NOW)).toMatchObject({ ok: false, reason: 'practice_only' });
  });

  it('refuses a trust entry whose kid is not its key thumbprint', async () => {
    const jws = await signExamConfig(claims(), institution.privateKeyPem, 'made-up-kid');
    const forged: TrustFile = { version: 1, keys: [{ ...trust.keys[0]!, kid: 'made-up-kid' }] };
    expect(await verifyExamConfig(jws, forged, NOW)).toMatchObject({ ok: false, reason: 'unpinned_key', message: expect.stringMatching(/not its thumbprint/) });
  });
});

describe('trust files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-trust-'));

  it('trust the installer file and the machine-wide file together, and always the practice key', async () => {
    const installer = join(dir, 'installer.json');
    const machine = join(dir, 'machine.json');
    writeFileSync(installer, JSON.stringify({ version: 1, keys: [await trustEntry(institution.publicKey, 'Example University')] }));
    writeFileSync(machine, JSON.stringify({ version: 1, defaultServer: { url: SERVER }, keys: [await trustEntry(stranger.publicKey, 'IT department')] }));
    const merged = loadTrust({ installerFile: installer, machineFile: machine });
    expect(merged.keys.map((k) => k.name)).toEqual(['Vigil practice exam', 'Example University', 'IT department']);
    expect(merged.defaultServer).toEqual({ url: SERVER });
    expect(loadTrust({ installerFile: join(dir, 'none.json'), machineFile: join(dir, 'none.json') }).keys).toEqual([PRACTICE_KEY]);
  });

  it('refuse to open anything when a trust file is corrupt, naming the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 1, "keys": [{"kid": 1}]}');
    const jws = await signExamConfig(claims(), institution.privateKeyPem, institution.kid);
    expect(await openExamConfig(jws, 'exam', { trust: { installerFile: bad, machineFile: join(dir, 'none.json') }, allowUnsigned: false, now: NOW })).toMatchObject({ ok: false, reason: 'trust_file', rule: expect.stringContaining(`${bad}: keys.0.kid`) });
  });

  it('live at the documented machine-wide paths', () => {
    expect(machineTrustFile('win32', { ProgramData: 'C:\\ProgramData' })).toBe(join('C:\\ProgramData', 'Vigil', 'trust.json'));
    expect(machineTrustFile('darwin', {})).toBe('/Library/Application Support/Vigil/trust.json');
    expect(machineTrustFile('linux', {})).toBe('/etc/vigil/trust.json');
  });
});
