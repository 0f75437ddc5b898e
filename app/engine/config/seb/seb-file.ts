/**
 * Reads a `.seb` file into its settings: gzip (optional), then a 4-byte prefix: `plnd` (gzip of the XML plist),
 * `pswd` (RNCryptor v2 with the password; the plaintext is gzip of the XML, or the XML), `pwcc` (the same keyed
 * by the SHA-256 hex of the password, as SEB's "configure client" files are), or no prefix: a bare XML plist.
 * Certificate-wrapped files (`pkhs`, `phsk`) are refused by name: they need the institution's private key.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse, type PlistValue } from 'plist';
import { rnDecrypt, rnEncrypt, RnCryptorError } from './rncryptor';

export type SebSettings = { [key: string]: PlistValue };

export class SebFileError extends Error {
  constructor(
    readonly reason: 'password_needed' | 'wrong_password' | 'unsupported' | 'corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'SebFileError';
  }
}

const isGzip = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

function gunzip(data: Buffer, what: string): Buffer {
  try {
    return gunzipSync(data);
  } catch (error) {
    throw new SebFileError('corrupt', `${what} is not valid gzip (${(error as Error).message})`);
  }
}

function decrypt(data: Buffer, password: string | undefined, prefix: 'pswd' | 'pwcc'): Buffer {
  if (password === undefined) throw new SebFileError('password_needed', 'this config is password-protected: give --password');
  const tries = prefix === 'pwcc' ? [createHash('sha256').update(password, 'utf8').digest('hex'), password] : [password];
  for (const attempt of tries) {
    try {
      return rnDecrypt(data, attempt);
    } catch (error) {
      if (!(error instanceof RnCryptorError)) throw error;
      if (error.reason !== 'wrong_password_or_tampered') throw new SebFileError('corrupt', error.message);
    }
  }
  throw new SebFileError('wrong_password', 'wrong password (or the file was changed after it was encrypted)');
}

/** The XML plist text inside a .seb file's bytes. */
export function sebXml(file: Buffer, password?: string): string {
  let data = isGzip(file) ? gunzip(file, 'the file') : file;
  const prefix = data.subarray(0, 4).toString('latin1');
  if (prefix === 'pswd' || prefix === 'pwcc') {
    const plain = decrypt(data.subarray(4), password, prefix);
    data = isGzip(plain) ? gunzip(plain, 'the decrypted config') : plain;
  } else if (prefix === 'plnd') {
    const rest = data.subarray(4);
    data = isGzip(rest) ? gunzip(rest, 'the plain config') : rest;
  } else if (prefix === 'pkhs' || prefix === 'phsk') {
    throw new SebFileError('unsupported', `"${prefix}" configs are encrypted for a certificate; export it from SEB with a password instead`);
  }
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  if (!/^\s*(<\?xml|<!DOCTYPE|<plist)/.test(text)) throw new SebFileError('corrupt', `not a SEB config (starts ${JSON.stringify(data.subarray(0, 4).toString('latin1'))}; expected gzip, plnd, pswd, pwcc or an XML plist)`);
  return text;
}

export function parseSebXml(xml: string): SebSettings {
  let value: PlistValue;
  try {
    value = parse(xml);
  } catch (error) {
    throw new SebFileError('corrupt', `the XML plist does not parse (${(error as Error).message.split('\n')[0]})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) {
    throw new SebFileError('corrupt', 'the plist is not a dictionary of settings');
  }
  return value;
}

export function readSebFile(file: Buffer, password?: string): SebSettings {
  return parseSebXml(sebXml(file, password));
}

/** A `.seb` file as SEB writes one with a password: gzip(`pswd` + RNCryptor(gzip(xml))). */
export function writeEncryptedSeb(xml: string, password: string, random?: (n: number) => Buffer): Buffer {
  return gzipSync(Buffer.concat([Buffer.from('pswd'), rnEncrypt(gzipSync(Buffer.from(xml, 'utf8')), password, random)]));
}

/** A plain `.seb` file: gzip(`plnd` + gzip(xml)). */
export function writePlainSeb(xml: string): Buffer {
  return gzipSync(Buffer.concat([Buffer.from('plnd'), gzipSync(Buffer.from(xml, 'utf8'))]));
}
