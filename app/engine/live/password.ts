/**
 * Passwords (the invigilator's and an exam's quit password) as salted, slow hashes: scrypt with a random salt,
 * stored as `scrypt$N$r$p$salt$hash` (base64), so the parameters can be raised later without breaking old hashes.
 * Quit passwords imported from SEB configs stay in SEB's weaker form, `sha256$<hex>`, since the password is unknown.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keyLen, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  // `sha256$<hex>`: a quit password imported from a SEB config, which SEB keeps as unsalted SHA-256 hex.
  const seb = /^sha256\$([0-9a-f]{64})$/.exec(stored);
  if (seb) return timingSafeEqual(createHash('sha256').update(password, 'utf8').digest(), Buffer.from(seb[1]!, 'hex'));
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await scrypt(password, salt, expected.length, { N: n, r, p, maxmem: 256 * 1024 * 1024 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
