/**
 * RNCryptor data format v2 with a password, as SEB writes `pswd` and `pwcc` configs: `02 01`, 8-byte encryption
 * salt, 8-byte HMAC salt, 16-byte IV, AES-256-CBC (PKCS#7) ciphertext, HMAC-SHA256 of everything before it. Both
 * keys are PBKDF2-HMAC-SHA1 of the password, 10,000 rounds, 32 bytes. The HMAC is checked before decrypting, in
 * constant time, so a wrong password and a tampered file both stop here.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 2;
const OPTIONS_PASSWORD = 1;
const HEADER = 2 + 8 + 8 + 16;
const HMAC_LEN = 32;
const ROUNDS = 10_000;

export class RnCryptorError extends Error {
  constructor(
    readonly reason: 'wrong_password_or_tampered' | 'not_rncryptor_v2' | 'truncated',
    message: string,
  ) {
    super(message);
    this.name = 'RnCryptorError';
  }
}

const key = (password: string, salt: Buffer) => pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ROUNDS, 32, 'sha1');

export function rnDecrypt(data: Buffer, password: string): Buffer {
  if (data.length < HEADER + 16 + HMAC_LEN) throw new RnCryptorError('truncated', `encrypted data is ${data.length} bytes, too short for RNCryptor v2`);
  if (data[0] !== VERSION || data[1] !== OPTIONS_PASSWORD) throw new RnCryptorError('not_rncryptor_v2', `encrypted data starts ${data.subarray(0, 2).toString('hex')}, not RNCryptor v2 with a password (0201)`);
  const encSalt = data.subarray(2, 10);
  const hmacSalt = data.subarray(10, 18);
  const iv = data.subarray(18, 34);
  const body = data.subarray(0, data.length - HMAC_LEN);
  const mac = data.subarray(data.length - HMAC_LEN);
  const expected = createHmac('sha256', key(password, hmacSalt)).update(body).digest();
  if (!timingSafeEqual(expected, mac)) throw new RnCryptorError('wrong_password_or_tampered', 'wrong password (or the file was changed after it was encrypted)');
  const decipher = createDecipheriv('aes-256-cbc', key(password, encSalt), iv);
  return Buffer.concat([decipher.update(data.subarray(HEADER, data.length - HMAC_LEN)), decipher.final()]);
}

/** The writer, for tests and for exporting configs SEB can open. */
export function rnEncrypt(plain: Buffer, password: string, random: (n: number) => Buffer = randomBytes): Buffer {
  const encSalt = random(8);
  const hmacSalt = random(8);
  const iv = random(16);
  const cipher = createCipheriv('aes-256-cbc', key(password, encSalt), iv);
  const body = Buffer.concat([Buffer.from([VERSION, OPTIONS_PASSWORD]), encSalt, hmacSalt, iv, cipher.update(plain), cipher.final()]);
  return Buffer.concat([body, createHmac('sha256', key(password, hmacSalt)).update(body).digest()]);
}
