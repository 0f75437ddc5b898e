/**
 * The institution's Ed25519 exam-signing key pair, made once by `vigil-server init`: PKCS#8 PEM (private, mode 0600)
 * and SPKI PEM (public) in `<home>/keys/`. Both load directly with `jose` (importPKCS8 / importSPKI, alg EdDSA) and
 * with node:crypto, so signed exam configs can be made from them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function signingKeyPaths(home: string): { privateKey: string; publicKey: string } {
  return { privateKey: join(home, 'keys', 'exam-signing.key.pem'), publicKey: join(home, 'keys', 'exam-signing.pub.pem') };
}

/** Writes a new pair unless one exists (never overwrites: configs already signed would stop verifying). */
export function ensureSigningKeys(home: string): { privateKey: string; publicKey: string; created: boolean } {
  const paths = signingKeyPaths(home);
  if (existsSync(paths.privateKey)) return { ...paths, created: false };
  mkdirSync(join(home, 'keys'), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  writeFileSync(paths.privateKey, privateKey, { mode: 0o600, flag: 'wx' });
  writeFileSync(paths.publicKey, publicKey, { mode: 0o644, flag: 'wx' });
  return { ...paths, created: true };
}
