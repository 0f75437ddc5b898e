/**
 * The app's own address, `vigil-app://app/...`, and the one check every URL decision in the main process uses
 * (IPC senders, permissions, navigation before an exam). Free of Electron, so it is tested with Node's URL
 * parser on the exact URLs Electron produces.
 *
 * Why not compare `new URL(url).origin`: WHATWG gives a custom scheme an opaque origin, so Node answers
 * "null" for every `vigil-app:` URL — a check on it refuses the real window (or, written the other way, could
 * accept any opaque-origin URL). Scheme and host are compared instead, with no user, password or port.
 */
import { fileUnder } from './request-path';

export const APP_SCHEME = 'vigil-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/**
 * The renderer file a `vigil-app:` request asks for: null for another host or a path leaving the folder,
 * 'bad_request' for one that is not percent-encoded UTF-8. Electron hands the protocol handler the URL as
 * Chromium canonicalised it (`vigil-app://app/assets/x.js`).
 */
export function appFileFor(root: string, url: string): string | 'bad_request' | null {
  if (!isAppUrl(url)) return null;
  return fileUnder(root, new URL(url).pathname);
}
