/**
 * The renderer's Content-Security-Policy, shared by the Electron protocol handler and the browser shell so
 * both shells hold the renderer to the same rules. No inline script, no eval, no remote code.
 */
export interface CspOptions {
  readonly connectSrc?: readonly string[];
  /**
   * Where the exam page may be framed from. The policy is chosen after the renderer loads, so the CSP admits the
   * scheme and the shell's navigation allow-list (lockdown/navigation.ts) admits only the exam's own origins.
   */
  readonly frameSrc?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    `connect-src 'self' ${(options.connectSrc ?? []).join(' ')}`.trim(),
    `frame-src ${options.frameSrc?.length ? options.frameSrc.join(' ') : "'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every renderer response carries in both shells. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=(), usb=(), serial=()',
  };
}
