/**
 * Secure-by-default rules for every web contents Electron creates: no new windows, no navigation away from
 * the app, no webviews we did not configure, and permissions only for what proctoring needs.
 */
import { app, session, type WebContents } from 'electron';
import type { NavigationAllowList } from '../lockdown/navigation';
import { isAppUrl } from './protocol';

const ALLOWED_PERMISSIONS = new Set(['media', 'fullscreen']);

/**
 * `allowNavigation` is asked at each navigation, so an exam's allowed origins (set when the exam starts, from
 * lockdown/navigation.ts) take effect without re-registering anything; before that only the app itself.
 */
export function applySecurityPolicy(allowNavigation: () => NavigationAllowList = () => isAppUrl): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation()(url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!allowNavigation()(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation()(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(isAppUrl(contents.getURL()) && ALLOWED_PERMISSIONS.has(permission));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, origin) => isAppUrl(origin) && ALLOWED_PERMISSIONS.has(permission));
}
