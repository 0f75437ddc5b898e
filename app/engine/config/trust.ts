/**
 * Which keys this computer trusts to sign exam configs. Two sources, both written by people the candidate is not:
 * the trust file built into the installer (`resources/trust.json`, set at build time, inside the signed app) and
 * the machine-wide file an IT department deploys (paths below, writable by administrators only). Nothing in the
 * candidate's environment can add a key: the paths are fixed per platform, injectable only by code (tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** An Ed25519 public key as a JWK (RFC 8037). */
export const Ed25519PublicJwk = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes, base64url') }).strip();
export type Ed25519PublicJwk = z.infer<typeof Ed25519PublicJwk>;

/** base64 of SHA-256 over the server certificate's SubjectPublicKeyInfo (the HPKP `pin-sha256` form). */
export const SpkiPin = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be base64 of a SHA-256 digest (44 characters)');

export const TrustedServer = z.object({ url: z.string().url(), spkiPin: SpkiPin.optional() }).strict();
export type TrustedServer = z.infer<typeof TrustedServer>;

export const TrustedKey = z
  .object({
    /** RFC 7638 thumbprint of publicKey; the JWS header's `kid` must name it. */
    kid: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    publicKey: Ed25519PublicJwk,
    /** The servers this key may send candidates to; absent = any. A listed pin must match the config's. */
    servers: z.array(TrustedServer).optional(),
    /** A key that opens practice exams only: no server, no token, the report says practice. */
    practiceOnly: z.boolean().default(false),
  })
  .strict();
export type TrustedKey = z.infer<typeof TrustedKey>;

export const TrustFile = z
  .object({
    version: z.literal(1),
    /** The server a config without one reports to (baked in at build time). */
    defaultServer: TrustedServer.optional(),
    keys: z.array(TrustedKey),
  })
  .strict();
export type TrustFile = z.infer<typeof TrustFile>;

export interface TrustPaths {
  /** resources/trust.json as built into the app. */
  readonly installer?: TrustFile;
  /** The machine-wide trust file's path. */
  readonly machineFile: string;
}

/**
 * The machine-wide trust file: `%ProgramData%\Vigil\trust.json` on Windows, `/Library/Application
 * Support/Vigil/trust.json` on macOS, `/etc/vigil/trust.json` on Linux. ProgramData is read from the
 * environment only to find the system drive; a candidate who points it elsewhere still needs admin rights there.
 */
export function machineTrustFile(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  switch (platform) {
    case 'win32':
      return join(env.ProgramData ?? 'C:\\ProgramData', 'Vigil', 'trust.json');
    case 'darwin':
      return '/Library/Application Support/Vigil/trust.json';
    default:
      return '/etc/vigil/trust.json';
  }
}

export class TrustFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustFileError';
  }
}

export function parseTrustFile(value: unknown, source: string): TrustFile {
  const result = TrustFile.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new TrustFileError(`${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
}

export function readTrustFile(path: string): TrustFile | undefined {
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TrustFileError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseTrustFile(json, path);
}

/** Every trusted key and the default server: the installer's first, then the machine's. */
export function mergeTrust(...files: (TrustFile | undefined)[]): TrustFile {
  const present = files.filter((f): f is TrustFile => f !== undefined);
  return { version: 1, defaultServer: present.find((f) => f.defaultServer)?.defaultServer, keys: present.flatMap((f) => f.keys) };
}
