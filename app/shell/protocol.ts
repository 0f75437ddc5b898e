/**
 * Serves the renderer from vigil-app://app/ rather than file://, so the page has a real origin that the
 * CSP, permission checks and navigation rules can pin, and cannot read the file system.
 */
import { net, protocol } from 'electron';
import { normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME, appFileFor } from './app-url';
import { contentSecurityPolicy, securityHeaders } from './csp';

export { APP_ORIGIN, APP_SCHEME, isAppUrl } from './app-url';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const root = normalize(rendererDir);
  const csp = contentSecurityPolicy({ frameSrc: ['https:'] });
  protocol.handle(APP_SCHEME, async (request) => {
    const full = appFileFor(root, request.url);
    if (full === null) return new Response('not found', { status: 404 });
    if (full === 'bad_request') return new Response('bad request', { status: 400 });
    const file = await net.fetch(pathToFileURL(full).toString());
    const headers = new Headers(file.headers);
    for (const [name, value] of Object.entries(securityHeaders(csp))) headers.set(name, value);
    return new Response(file.body, { status: file.status, headers });
  });
}
