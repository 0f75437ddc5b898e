/**
 * Public-key pinning for the sync server: when the exam config names the server's SPKI pin (base64 of the SHA-256
 * of its certificate's SubjectPublicKeyInfo, as `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl
 * dgst -sha256 -binary | base64` prints it), every HTTPS connection is checked against that pin before anything is
 * sent on it: the pin, not a certificate authority, says which server this is (so an institution's self-signed
 * certificate works, and a certificate any CA issued to someone else does not). The agent hands the socket to the
 * HTTP client only after the check, so a refused server never sees a request, a token or a byte of evidence.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';

export class SpkiPinMismatch extends Error {
  constructor(
    readonly host: string,
    readonly actual: string,
    readonly pinned: string,
  ) {
    super(`${host}: the server's public key does not match the exam's pin (SPKI sha256 ${actual}, pinned ${pinned}); nothing was sent`);
    this.name = 'SpkiPinMismatch';
  }
}

/** The SPKI pin of a certificate (`PeerCertificate.pubkey` is SPKI only for RSA keys; EC gives the bare point). */
export function spkiPinOf(cert: Pick<PeerCertificate, 'raw'>): string {
  if (!cert.raw?.length) return '(no certificate)';
  const spki = new X509Certificate(cert.raw).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export class SpkiPinnedAgent extends Agent {
  constructor(
    readonly pin: string,
    options: AgentOptions = {},
  ) {
    // No TLS session reuse: every connection shows its certificate and is checked.
    super({ ...options, keepAlive: options.keepAlive ?? true, maxCachedSessions: 0 });
  }

  override createConnection(requestOptions: RequestOptions, callback?: (error: Error | null, socket: Duplex) => void): Duplex | undefined {
    const options = requestOptions as ConnectionOptions;
    const host = `${options.host ?? 'localhost'}:${options.port ?? 443}`;
    // The CA chain and host name are not what decides here: the pin is (checked below, before any byte is sent).
    const servername = options.servername ?? (options.host && !isIP(options.host) ? options.host : undefined);
    const socket: TLSSocket = connect({ ...options, ...(servername ? { servername } : {}), rejectUnauthorized: false, checkServerIdentity: () => undefined });
    let answered = false;
    const answer = (error: Error | null) => {
      if (answered) return;
      answered = true;
      if (error) {
        socket.destroy();
        callback?.(error, socket);
      } else callback?.(null, socket);
    };
    socket.once('secureConnect', () => {
      const actual = spkiPinOf(socket.getPeerCertificate());
      answer(actual === this.pin ? null : new SpkiPinMismatch(host, actual, this.pin));
    });
    socket.once('error', (error) => answer(error));
    return undefined;
  }
}

/** True when `error` (or the error it wraps, as axios and tus-js-client do) is a pin mismatch. */
export function pinMismatchIn(error: unknown): SpkiPinMismatch | null {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof SpkiPinMismatch) return e;
    const wrapped = e as { cause?: unknown; causingError?: unknown };
    e = wrapped.cause ?? wrapped.causingError;
  }
  return null;
}
