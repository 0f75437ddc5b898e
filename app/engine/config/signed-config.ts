/**
 * Signed exam configs: a compact JWS (EdDSA over Ed25519, `jose`) whose payload holds the exam policy, the server
 * URL with its optional SPKI pin, the enrolment token, the exam id and an expiry. Pure: no files, no clock of its
 * own, so the institution server can import it to sign what it publishes (`generateSigningKey`, `signExamConfig`)
 * and the client verifies with the keys it pins (`verifyExamConfig`).
 */
import { calculateJwkThumbprint, CompactSign, compactVerify, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8 } from 'jose';
import { z } from 'zod';
import { Ed25519PublicJwk, SpkiPin, type TrustedKey, type TrustFile } from './trust';

export const CONFIG_TYPE = 'vigil-exam+jws';

export const ExamConfigClaims = z
  .object({
    v: z.literal(1),
    examId: z.string().min(1).max(200),
    mode: z.enum(['exam', 'practice']),
    /** Exam policy JSON; the engine parses it with the policy schema after the signature holds. */
    policy: z.record(z.string(), z.unknown()),
    server: z.object({ url: z.string().url(), spkiPin: SpkiPin.optional() }).strict().optional(),
    enrolmentToken: z.string().min(1).max(4096).optional(),
    /** Seconds since 1970 (as in JWT). */
    iat: z.number().int().nonnegative(),
    exp: z.number().int().positive(),
  })
  .strict();
export type ExamConfigClaims = z.infer<typeof ExamConfigClaims>;

export type Refusal = {
  ok: false;
  reason: 'not_a_config' | 'bad_signature' | 'unpinned_key' | 'expired' | 'server_mismatch' | 'practice_only';
  /** One line for the candidate or the command line. */
  message: string;
};
export type Verified = { ok: true; claims: ExamConfigClaims; key: TrustedKey; server?: { url: string; spkiPin?: string } };

export interface SigningKey {
  readonly privateKeyPem: string;
  readonly publicKey: Ed25519PublicJwk;
  readonly kid: string;
}

export async function keyId(publicKey: Ed25519PublicJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: publicKey.kty, crv: publicKey.crv, x: publicKey.x }, 'sha256');
}

export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = Ed25519PublicJwk.parse(await exportJWK(publicKey));
  return { privateKeyPem: await exportPKCS8(privateKey), publicKey: jwk, kid: await keyId(jwk) };
}

/** The trust-file entry that pins a key (what an institution puts in resources/trust.json). */
export async function trustEntry(publicKey: Ed25519PublicJwk, name: string, extra: Partial<Pick<TrustedKey, 'servers' | 'practiceOnly'>> = {}): Promise<TrustedKey> {
  return { kid: await keyId(publicKey), name, publicKey, practiceOnly: false, ...extra };
}

export async function signExamConfig(claims: ExamConfigClaims, privateKeyPem: string, kid: string): Promise<string> {
  const checked = ExamConfigClaims.parse(claims);
  const key = await importPKCS8(privateKeyPem, 'EdDSA');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(checked))).setProtectedHeader({ alg: 'EdDSA', kid, typ: CONFIG_TYPE }).sign(key);
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeSignedConfig(text: string): boolean {
  return COMPACT_JWS.test(text.trim());
}

const refuse = (reason: Refusal['reason'], message: string): Refusal => ({ ok: false, reason, message });

/**
 * Verifies a signed exam config against pinned keys at `now` (ms). Order matters for the message: a key that is
 * not pinned is named as such before any signature check, a bad signature before anything in the payload is read.
 */
export async function verifyExamConfig(jws: string, trust: TrustFile, now: number): Promise<Verified | Refusal> {
  const text = jws.trim();
  if (!COMPACT_JWS.test(text)) return refuse('not_a_config', 'not a signed exam config (expected a compact JWS)');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(text);
  } catch {
    return refuse('not_a_config', 'not a signed exam config (its header does not decode)');
  }
  if (header.alg !== 'EdDSA' && header.alg !== 'Ed25519') return refuse('bad_signature', `signature algorithm ${String(header.alg)} is not accepted (EdDSA only)`);
  if (header.typ !== CONFIG_TYPE) return refuse('not_a_config', `not a Vigil exam config (type ${String(header.typ ?? 'missing')})`);
  const key = typeof header.kid === 'string' ? trust.keys.find((k) => k.kid === header.kid) : undefined;
  if (!key) return refuse('unpinned_key', `signed by a key this computer does not trust (kid ${String(header.kid ?? 'missing').slice(0, 60)})`);
  let payload: Uint8Array;
  try {
    // The key's own thumbprint must be its kid, so a trust entry cannot pass one key off under another's name.
    if ((await keyId(key.publicKey)) !== key.kid) return refuse('unpinned_key', `trusted key "${key.name}" has a kid that is not its thumbprint`);
    ({ payload } = await compactVerify(text, await importJWK({ ...key.publicKey }, 'EdDSA'), { algorithms: ['EdDSA', 'Ed25519'] }));
  } catch {
    return refuse('bad_signature', `signature does not verify against "${key.name}" (the config was changed after signing, or signed by another key)`);
  }
  let claims: ExamConfigClaims;
  try {
    const parsed = ExamConfigClaims.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    if (!parsed.success) return refuse('not_a_config', `signed content is not an exam config: ${parsed.error.issues[0]!.path.join('.') || '(top level)'}: ${parsed.error.issues[0]!.message}`);
    claims = parsed.data;
  } catch {
    return refuse('not_a_config', 'signed content is not JSON');
  }
  if (claims.exp * 1000 <= now) return refuse('expired', `expired on ${new Date(claims.exp * 1000).toISOString()}`);
  if (key.practiceOnly && (claims.mode !== 'practice' || claims.server || claims.enrolmentToken)) {
    return refuse('practice_only', `"${key.name}" opens practice exams only, and this config is a real exam`);
  }
  const server = claims.server ?? trust.defaultServer;
  if (server && key.servers) {
    const origin = new URL(server.url).origin;
    const pinned = key.servers.find((s) => new URL(s.url).origin === origin);
    if (!pinned) return refuse('server_mismatch', `server ${origin} is not one "${key.name}" may name`);
    if (pinned.spkiPin && server.spkiPin !== pinned.spkiPin) return refuse('server_mismatch', `server ${origin}: its SPKI pin ${server.spkiPin ?? '(none)'} is not the pinned ${pinned.spkiPin}`);
    return { ok: true, claims, key, server: { url: server.url, spkiPin: pinned.spkiPin ?? server.spkiPin } };
  }
  return { ok: true, claims, key, server };
}

// --- the link form ----------------------------------------------------------------------------------------------
// A published exam config as a link: `vigil://exam/config/<compact JWS>`, the same signed text as the
// `.vigil-exam` file, so the candidate app verifies it the one way it verifies a file (open-config.ts). The server
// builds links here; the shell's link parser (app/shell/exam-link.ts) reads them back. The JWS is base64url parts
// joined by dots, all characters a URL carries as they are.
export const CONFIG_LINK_PREFIX = 'vigil://exam/config/';
/** Far above a real config (a few KB), far below what would strain a URL handler. */
export const MAX_LINK_CONFIG_CHARS = 64 * 1024;

export function examConfigLink(jws: string): string {
  if (!isCompactJws(jws)) throw new Error('exam config link: not a compact JWS');
  return `${CONFIG_LINK_PREFIX}${jws}`;
}

/** Whether text is a compact JWS, untrimmed, that fits in a link (its signature is checked later, by the engine). */
export function isCompactJws(text: string): boolean {
  return text.length <= MAX_LINK_CONFIG_CHARS && text === text.trim() && looksLikeSignedConfig(text);
}
