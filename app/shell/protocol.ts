/**
 * Serves the renderer from vigil-app://app/ rather than file://, so the page has a real origin that the
 * CSP, permission checks and navigation rules can pin, and cannot read the file system.
 */
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy, securityHeaders } from './csp';

export const APP_SCHEME = 'vigil-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const root = normalize(rendererDir);
  const csp = contentSecurityPolicy({ frameSrc: ['https:'] });
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const full = normalize(join(root, relative));
    if (!full.startsWith(root + sep)) return new Response('not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(full).toString());
    const headers = new Headers(file.headers);
    for (const [name, value] of Object.entries(securityHeaders(csp))) headers.set(name, value);
    return new Response(file.body, { status: file.status, headers });
  });
}

export function isAppUrl(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}
