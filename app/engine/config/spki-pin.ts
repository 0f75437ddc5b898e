/**
 * SPKI pins: base64 of SHA-256 over a certificate's SubjectPublicKeyInfo (DER). The sync client compares the
 * server certificate's pin with the verified config's (`serverMatchesPin`) before it sends anything.
 */
import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

export function spkiPinOfKey(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64');
}

/** The pin of a PEM or DER certificate, or of a PEM public key. */
export function spkiPinOf(certificateOrKey: string | Buffer): string {
  const text = typeof certificateOrKey === 'string' ? certificateOrKey : undefined;
  if (text && text.includes('PUBLIC KEY-----')) return spkiPinOfKey(createPublicKey(text));
  return spkiPinOfKey(new X509Certificate(certificateOrKey).publicKey);
}

/** True when there is no pin, or the certificate (DER, as `tls.PeerCertificate.raw`) carries the pinned key. */
export function serverMatchesPin(certificateDer: Buffer, pin: string | undefined): boolean {
  return pin === undefined || spkiPinOf(certificateDer) === pin;
}
